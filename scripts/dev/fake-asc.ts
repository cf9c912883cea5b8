#!/usr/bin/env tsx
// Runs the fake App Store Connect until killed, for workflows and manual runs.
//
//   npx tsx scripts/dev/fake-asc.ts <key-path> [--port N] [--latency MS] [--no-validate] [--no-seed]
//                               [--individual-key PATH] [--write-env PATH] [--log]
//
// Starts the fake on 127.0.0.1, seeds the demo dataset (apps, builds, beta groups, users,
// provisioning basics), writes the team key's .p8 (PEM) to <key-path>, and prints:
//   FAKE_ASC_URL=http://127.0.0.1:<port>
//   FAKE_ASC_KEY_ID=<kid>
//   FAKE_ASC_ISSUER_ID=<issuer>
//   FAKE_ASC_KEY_PATH=<key-path>
// (also appended to --write-env, e.g. "$GITHUB_ENV"). GET <url>/__fake/violations lists the
// OpenAPI violations seen so far; they are also printed on exit (SIGINT / SIGTERM).
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { startFakeAsc } from '../../tools/fake-asc/index.js'
import { seedDemo } from '../../tools/seeds/demo.js'

function usage(message?: string): never {
  if (message) process.stderr.write(`fake-asc: ${message}\n`)
  process.stderr.write(
    'usage: tsx scripts/dev/fake-asc.ts <key-path> [--port N] [--latency MS] [--no-validate] [--no-seed] [--individual-key PATH] [--write-env PATH] [--log]\n'
  )
  process.exit(2)
}

const args = process.argv.slice(2)
let keyPath: string | undefined
let port = 0
let latencyMs = 0
let validate = true
let seed = true
let log = false
let individualPath: string | undefined
let envFile: string | undefined
for (let i = 0; i < args.length; i++) {
  const a = args[i]
  const value = (): string => {
    const v = args[++i]
    if (v === undefined) usage(`${a} needs a value`)
    return v
  }
  if (a === '--port') port = Number(value())
  else if (a === '--latency') latencyMs = Number(value())
  else if (a === '--no-validate') validate = false
  else if (a === '--no-seed') seed = false
  else if (a === '--log') log = true
  else if (a === '--individual-key') individualPath = resolve(value())
  else if (a === '--write-env') envFile = resolve(value())
  else if (a === '--help' || a === '-h') usage()
  else if (a.startsWith('--')) usage(`unknown option ${a}`)
  else if (!keyPath) keyPath = resolve(a)
  else usage(`unexpected argument ${a}`)
}
if (!keyPath) usage('give the path to write the test key to')
if (!Number.isInteger(port) || port < 0) usage('--port must be a port number')
if (!Number.isFinite(latencyMs) || latencyMs < 0) usage('--latency must be a number of ms')

const fake = await startFakeAsc({ port, latencyMs, validate, log })
if (seed) seedDemo(fake.store, fake.now())

function writeKey(path: string, pem: string): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, pem, { mode: 0o600 })
}
writeKey(keyPath, fake.keys.team.privateKey)
const lines = [
  `FAKE_ASC_URL=${fake.url}`,
  `FAKE_ASC_KEY_ID=${fake.keys.team.keyId}`,
  `FAKE_ASC_ISSUER_ID=${fake.keys.team.issuerId}`,
  `FAKE_ASC_KEY_PATH=${keyPath}`
]
if (individualPath) {
  writeKey(individualPath, fake.keys.individual.privateKey)
  lines.push(`FAKE_ASC_INDIVIDUAL_KEY_ID=${fake.keys.individual.keyId}`)
  lines.push(`FAKE_ASC_INDIVIDUAL_KEY_PATH=${individualPath}`)
}
if (envFile) appendFileSync(envFile, lines.join('\n') + '\n')
process.stdout.write(lines.join('\n') + '\n')

let closing = false
async function shutdown(signal: string): Promise<void> {
  if (closing) return
  closing = true
  const api = fake.requests.filter((r) => r.api).length
  process.stderr.write(
    `fake-asc: ${signal}: ${api} API requests, ${fake.violations.length} violations\n`
  )
  for (const v of fake.violations) process.stderr.write(`fake-asc violation: ${v}\n`)
  await fake.close()
  process.exit(0)
}
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))
