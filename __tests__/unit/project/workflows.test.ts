import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from '../../../tools/e2e-harness.js'
import { readAction, type Step } from '../../support/action-metadata.js'

const ACTIONLINT = join(
  ROOT,
  'node_modules',
  '@tktco',
  'node-actionlint',
  'bin',
  'node-actionlint.js'
)
const WORKFLOWS = join(ROOT, '.github', 'workflows')

/** actionlint (the WebAssembly build, offline) over the files matching `pattern`. */
function actionlint(pattern: string) {
  return spawnSync(process.execPath, [ACTIONLINT, pattern], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000
  })
}

interface Workflow {
  on: unknown
  jobs: Record<string, { steps?: Step[] }>
}

const workflows = new Map<string, Workflow>(
  readdirSync(WORKFLOWS)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => [f, parse(readFileSync(join(WORKFLOWS, f), 'utf8')) as Workflow])
)

/** Every step of every job of a workflow, with where it is. */
function stepsOf(workflow: Workflow): Array<{ job: string; step: Step }> {
  return Object.entries(workflow.jobs).flatMap(([job, j]) =>
    (j.steps ?? []).map((step) => ({ job, step }))
  )
}

describe('workflows', () => {
  it('pass actionlint', () => {
    const run = actionlint('.github/workflows/*.{yml,yaml}')
    expect(run.stdout).toContain(`Checking ${workflows.size} workflow file(s)`)
    expect(run.stdout).toContain('All workflow files passed lint checks')
    expect(run.status).toBe(0)
  })

  it('are linted by an actionlint that does find problems', () => {
    const dir = mkdtempSync(join(tmpdir(), 'actionlint-'))
    try {
      writeFileSync(
        join(dir, 'bad.yml'),
        [
          'on: issues',
          'jobs:',
          '  a:',
          '    runs-on: ubuntu-latest',
          '    steps:',
          '      - run: echo "${{ github.event.issue.title }}"',
          ''
        ].join('\n')
      )
      const run = actionlint(join(dir, '*.yml'))
      expect(run.status).toBe(1)
      expect(run.stdout).toMatch(/"github\.event\.issue\.title" is potentially untrusted/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('are ci.yml, e2e.yml and example-nightly.yml', () => {
    expect([...workflows.keys()]).toEqual(
      expect.arrayContaining(['ci.yml', 'e2e.yml', 'example-nightly.yml'])
    )
  })

  // actionlint cannot read local actions in its WebAssembly build, so this does it: every `with:`
  // key of a `uses: ./…` step is an input of that action, and every required input is given.
  it.each([...workflows.keys()])('%s gives local actions only inputs they declare', (file) => {
    const problems: string[] = []
    for (const { job, step } of stepsOf(workflows.get(file)!)) {
      if (!step.uses?.startsWith('./')) continue
      const path = join(step.uses, 'action.yml')
      if (!existsSync(join(ROOT, path))) {
        problems.push(`${job}: ${step.uses} has no action.yml`)
        continue
      }
      const inputs = readAction(path).inputs ?? {}
      for (const key of Object.keys(step.with ?? {}))
        if (!(key in inputs)) problems.push(`${job}: ${step.uses} has no input ${key}`)
      for (const [name, input] of Object.entries(inputs))
        if (input.required && !(name in (step.with ?? {})))
          problems.push(`${job}: ${step.uses} needs ${name}`)
    }
    expect(problems).toEqual([])
  })

  it.each([...workflows.keys()])('%s reads only outputs local actions declare', (file) => {
    const problems: string[] = []
    const workflow = workflows.get(file)!
    for (const [job, j] of Object.entries(workflow.jobs)) {
      const local = new Map<string, string>()
      for (const step of j.steps ?? [])
        if (step.id && step.uses?.startsWith('./')) local.set(step.id, step.uses)
      const text = JSON.stringify(j)
      for (const [, id, output] of text.matchAll(
        /steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g
      )) {
        const uses = local.get(id)
        if (!uses) continue
        const outputs = readAction(join(uses, 'action.yml')).outputs ?? {}
        if (!(output in outputs)) problems.push(`${job}: ${uses} (${id}) has no output ${output}`)
      }
    }
    expect(problems).toEqual([])
  })

  it('e2e.yml runs every JavaScript action and every Linux composite from this checkout', () => {
    const uses = new Set(stepsOf(workflows.get('e2e.yml')!).map(({ step }) => step.uses))
    for (const path of [
      './',
      './actions/distribute-to-testflight',
      './actions/sync-profiles',
      './actions/sync-certificates',
      './actions/expire-builds',
      './actions/testflight-release',
      './actions/nightly-maintenance'
    ])
      expect({ path, used: uses.has(path) }).toEqual({ path, used: true })
  })

  it('example-nightly.yml runs on a schedule and by hand', () => {
    const on = workflows.get('example-nightly.yml')!.on as Record<string, unknown>
    expect(Object.keys(on).sort()).toEqual(['schedule', 'workflow_dispatch'])
  })
})
