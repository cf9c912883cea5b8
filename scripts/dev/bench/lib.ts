// Shared tools for `npm run bench` scenarios: run a bundle like a runner does, and measure its
// wall time, peak memory and the requests the fake App Store Connect received.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nodeBinary, parseOutputFile, ROOT } from '../../../tools/e2e-harness.js'

export interface BenchResult {
  scenario: string
  /** Requests the fake received during the run. */
  requests: number
  /** The fewest requests the API allows for this job. */
  minimum: number
  wallMs: number
  peakRssBytes?: number
  /** A bound the scenario promises, e.g. `wall ≤ 1.2 × lower bound`. */
  bound?: { label: string; valueMs: number }
  notes?: string[]
  ok: boolean
}

export interface Scenario {
  name: string
  run(): Promise<BenchResult>
}

export interface TimedRun {
  code: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  wallMs: number
  peakRssBytes: number
}

/** Runs `node dist/<entry>/index.js` with INPUT_* variables; wall time and peak RSS measured. */
export async function timedBundle(
  entry: string,
  inputs: Record<string, string | undefined>,
  env: Record<string, string> = {}
): Promise<TimedRun> {
  const temp = mkdtempSync(join(tmpdir(), `bench-${entry}-`))
  const outputFile = join(temp, 'out')
  const rssFile = join(temp, 'rss')
  writeFileSync(outputFile, '')
  const childEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: join(temp, 'home'),
    RUNNER_TEMP: temp,
    GITHUB_OUTPUT: outputFile,
    BENCH_RSS_FILE: rssFile,
    ...env
  }
  for (const [k, v] of Object.entries(inputs))
    if (v !== undefined) childEnv[`INPUT_${k.toUpperCase()}`] = v
  const started = performance.now()
  const child = spawn(
    nodeBinary(),
    [
      '--import',
      join(ROOT, 'scripts', 'dev', 'bench', 'peak-memory.mjs'),
      join(ROOT, 'dist', entry, 'index.js')
    ],
    { env: childEnv, cwd: temp, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)))
  const wallMs = performance.now() - started
  let peakRssBytes = 0
  try {
    peakRssBytes = Number(readFileSync(rssFile, 'utf8'))
  } catch {
    /* the process died before exit handlers ran */
  }
  const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'))
  rmSync(temp, { recursive: true, force: true })
  if (code !== 0)
    throw new Error(`${entry} exited ${code}:\n${stdout.slice(-4000)}\n${stderr.slice(-2000)}`)
  return { code, stdout, stderr, outputs, wallMs, peakRssBytes }
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined || !n) return '—'
  return n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(2)} GiB` : `${(n / (1 << 20)).toFixed(0)} MiB`
}
