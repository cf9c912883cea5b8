// openapi explorer: every command, cold (a new `node dist/openapi/index.js` each run), against a
// bare `node -e 0`. The promise: well under 200 ms over bare node. No requests: it never touches the
// network. Median of a few runs, so one slow start on a busy machine does not decide.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nodeBinary, ROOT } from '../../../tools/e2e-harness.js'
import type { Scenario } from './lib.js'

const RUNS = 5
const OVER_BARE_MS = 200
const BUNDLE = join(ROOT, 'dist', 'openapi', 'index.js')

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

function timed(args: string[]): number {
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    const run = spawnSync(nodeBinary(), args, {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' }
    })
    times.push(performance.now() - started)
    if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`)
  }
  return median(times)
}

let bare: number | undefined
const bareNode = () => (bare ??= timed(['-e', '0']))

function command(label: string, args: () => string[]): Scenario {
  return {
    name: `openapi: ${label}, cold, vs bare node`,
    async run() {
      const base = bareNode()
      const wallMs = timed([BUNDLE, ...args()])
      return {
        scenario: this.name,
        requests: 0,
        minimum: 0,
        wallMs,
        bound: {
          label: `bare node ${base.toFixed(0)} ms + ${OVER_BARE_MS} ms`,
          valueMs: base + OVER_BARE_MS
        },
        ok: wallMs <= base + OVER_BARE_MS,
        notes: [`${(wallMs - base).toFixed(0)} ms over bare node`, `median of ${RUNS}`]
      }
    }
  }
}

let docs: string | undefined
function smallDocs(): string {
  if (docs) return docs
  docs = mkdtempSync(join(tmpdir(), 'bench-openapi-'))
  const doc = (version: string, extra: Record<string, unknown>) => ({
    openapi: '3.0.1',
    info: { title: 'App Store Connect API', version },
    paths: {
      '/v1/apps': { get: { tags: ['Apps'], operationId: 'apps_getCollection', responses: {} } },
      ...extra
    }
  })
  writeFileSync(join(docs, 'old.json'), JSON.stringify(doc('1', {})))
  writeFileSync(
    join(docs, 'new.json'),
    JSON.stringify(
      doc('2', { '/v1/builds': { get: { tags: ['Builds'], operationId: 'b', responses: {} } } })
    )
  )
  process.on('exit', () => rmSync(docs!, { recursive: true, force: true }))
  return docs
}

export const scenarios: Scenario[] = [
  command('summary', () => ['summary']),
  command('resources', () => ['resources']),
  command('resource Builds', () => ['resource', 'Builds']),
  command('operation "GET /v1/builds"', () => ['operation', 'GET /v1/builds']),
  command('schema Build', () => ['schema', 'Build']),
  command('search beta group testers', () => ['search', 'beta', 'group', 'testers']),
  command('diff bundled vs a small document', () => [
    'diff',
    'bundled',
    join(smallDocs(), 'new.json')
  ]),
  command('diff two small documents', () => [
    'diff',
    join(smallDocs(), 'old.json'),
    join(smallDocs(), 'new.json')
  ]),
  command('summary --json', () => ['summary', '--json'])
]
