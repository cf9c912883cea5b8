// `npm run bench [filter]`: runs every scenario in scripts/dev/bench/*.scenarios.ts against the fake App
// Store Connect with injected latency, and prints requests made against the minimum the API allows,
// wall time and peak memory. Results also go to .bench/results.json. Tests never assert wall time;
// this is where it is measured.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { formatBytes, type BenchResult, type Scenario } from './bench/lib.js'

const dir = join(import.meta.dirname, 'bench')
const filter = process.argv[2]
const scenarios: Scenario[] = []
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.scenarios.ts'))
  .sort()) {
  const mod = (await import(join(dir, file))) as { scenarios: Scenario[] }
  scenarios.push(...mod.scenarios)
}

const results: BenchResult[] = []
let crashed = 0
for (const s of scenarios.filter((s) => !filter || s.name.includes(filter))) {
  process.stdout.write(`• ${s.name} … `)
  try {
    const r = await s.run()
    results.push(r)
    console.log(`${r.ok ? 'ok' : 'OVER BOUND'} (${(r.wallMs / 1000).toFixed(2)}s)`)
  } catch (e) {
    crashed++
    console.log(`failed: ${(e as Error).message}`)
  }
}

const rows = results.map((r) => [
  r.scenario,
  `${r.requests} / ${r.minimum}`,
  `${(r.wallMs / 1000).toFixed(2)}s`,
  r.bound ? `${r.bound.label}: ${(r.bound.valueMs / 1000).toFixed(2)}s` : '',
  formatBytes(r.peakRssBytes),
  r.ok ? 'ok' : 'OVER',
  (r.notes ?? []).join('; ')
])
const head = ['scenario', 'requests / minimum', 'wall', 'bound', 'peak RSS', 'verdict', 'notes']
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ')
console.log(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`)
for (const r of rows) console.log(line(r))
mkdirSync('.bench', { recursive: true })
writeFileSync(join('.bench', 'results.json'), JSON.stringify(results, null, 2))
process.exitCode = crashed ? 1 : 0
