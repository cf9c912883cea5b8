// `npm run demo`: runs the actions' bundles, the way a GitHub runner does, against the fake App
// Store Connect that ships in this repository, and prints what a workflow run would show: each
// step's log, its outputs and its job summary.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeAsc } from '../../tools/fake-asc/index.js'
import { seedDemo } from '../../tools/seeds/demo.js'
import { runBundle, type ActionRun } from '../../tools/e2e-harness.js'
import { demoSteps } from './demo-steps.js'

const color = process.stdout.isTTY && !process.env.NO_COLOR
const paint = (code: string, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text)
const bold = (t: string) => paint('1', t)
const dim = (t: string) => paint('2', t)
const yellow = (t: string) => paint('33', t)
const red = (t: string) => paint('31', t)
const green = (t: string) => paint('32', t)

function decode(text: string): string {
  return text.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')
}

/** A step's stdout as the Actions log shows it: groups, annotations, no debug or mask commands. */
function renderLog(stdout: string): string {
  const out: string[] = []
  for (const line of stdout.split('\n')) {
    if (!line || line.startsWith('::add-mask::') || line.startsWith('::debug::')) continue
    const group = /^::group::(.*)$/.exec(line)
    if (group) {
      out.push(`  ${bold('▸ ' + group[1])}`)
      continue
    }
    if (line === '::endgroup::') continue
    const annotation = /^::(warning|error|notice)[^:]*::(.*)$/.exec(line)
    if (annotation) {
      const [, kind, message] = annotation
      const tag =
        kind === 'error' ? red('Error') : kind === 'warning' ? yellow('Warning') : 'Notice'
      out.push(`    ${tag}: ${decode(message)}`)
      continue
    }
    out.push(`    ${line}`)
  }
  return out.join('\n')
}

function renderOutputs(outputs: Record<string, string>): string {
  return Object.entries(outputs)
    .map(([k, v]) => {
      const flat = v.replace(/\s*\n\s*/g, ' ')
      return `    ${k} = ${flat.length > 160 ? `${flat.slice(0, 157)}…` : flat}`
    })
    .join('\n')
}

function renderSummary(markdown: string): string {
  return markdown
    .trim()
    .split('\n')
    .map(
      (l) =>
        `    ${l.startsWith('#') ? bold(l.replace(/^#+ /, '')) : l.replace(/\*\*/g, '').replace(/<br>/g, ' / ')}`
    )
    .join('\n')
}

// `--summaries DIR`: also write each step's job summary (Markdown) to DIR, for the README images
// (scripts/dev/summary-images.ts renders them).
const summariesAt = process.argv.indexOf('--summaries')
const summariesDir = summariesAt > 0 ? process.argv[summariesAt + 1] : undefined
if (summariesDir) mkdirSync(summariesDir, { recursive: true })

const fake = await startFakeAsc({ latencyMs: 2 })
const data = seedDemo(fake.store, fake.now())
const key = fake.keys.team
const auth = {
  'key-id': key.keyId,
  'issuer-id': key.issuerId,
  'private-key': key.privateKey,
  'api-base-url': fake.url
}

console.log(
  bold(`Fake App Store Connect at ${fake.url} (Apple's API 4.4.1, every request validated)`)
)
console.log(
  dim(
    `Seeded: app ${data.app.attributes.bundleId}, ${data.builds.length} builds, beta groups, testers, a bundle ID, a certificate, devices.\n`
  )
)

let failed = 0
let index = 0
for (const step of demoSteps(data)) {
  index++
  console.log(bold(`\n━━ ${step.title}`))
  console.log(dim(`   uses: ${step.uses}`))
  const before = fake.requests.length
  const run: ActionRun = await runBundle(step.entry, { ...auth, ...step.inputs }, { env: step.env })
  const requests = fake.requests.length - before
  console.log(renderLog(run.stdout))
  if (Object.keys(run.outputs).length)
    console.log(`  ${bold('Outputs')}\n${renderOutputs(run.outputs)}`)
  if (run.summary.trim()) console.log(`  ${bold('Job summary')}\n${renderSummary(run.summary)}`)
  if (summariesDir && run.summary.trim())
    writeFileSync(
      join(summariesDir, `${String(index).padStart(2, '0')}-${step.entry}.md`),
      run.summary
    )
  const expectedFailure = step.expectFailure === true
  const ok = expectedFailure ? run.code !== 0 : run.code === 0
  if (!ok) failed++
  console.log(
    `  ${ok ? green('✓') : red('✗')} exit ${run.code}, ${requests} request(s) to App Store Connect${expectedFailure ? ' (this step is meant to fail: it shows the error a user gets)' : ''}`
  )
}

if (fake.violations.length) {
  failed++
  console.log(
    red(`\nRequests that broke Apple's OpenAPI document:\n- ${fake.violations.join('\n- ')}`)
  )
}
await fake.close()
console.log(
  failed
    ? red(`\n${failed} step(s) did not go as expected.`)
    : green('\nEvery step ran as a workflow would.')
)
process.exitCode = failed ? 1 : 0
