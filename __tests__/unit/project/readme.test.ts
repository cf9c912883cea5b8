import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from '../../../tools/e2e-harness.js'
import { readAction } from '../../support/action-metadata.js'

const README = readFileSync(join(ROOT, 'README.md'), 'utf8')
const ACTIONLINT = join(
  ROOT,
  'node_modules',
  '@tktco',
  'node-actionlint',
  'bin',
  'node-actionlint.js'
)

/** Every action.yml of the repository: the root one and actions/<name>/action.yml. */
const actionFiles = [
  'action.yml',
  ...readdirSync(join(ROOT, 'actions'))
    .sort()
    .map((name) => `actions/${name}/action.yml`)
    .filter((path) => existsSync(join(ROOT, path)))
]

/** The fenced ```yaml blocks of the README. */
const yamlBlocks = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1])

describe('README', () => {
  it('has an input and output table for every action', () => {
    const markers = [...README.matchAll(/<!-- action-docs:(\S+) -->/g)].map((m) => m[1]).sort()
    expect(markers).toEqual([...actionFiles].sort())
  })

  it('tables match the action.yml files (npm run docs -- --check)', () => {
    const run = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts', 'generate-docs.mjs'), '--check'],
      {
        cwd: ROOT,
        encoding: 'utf8'
      }
    )
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
  })

  it('complete workflows pass actionlint', () => {
    const workflows = yamlBlocks.filter((block) => /^jobs:/m.test(block))
    expect(workflows.length).toBeGreaterThan(0)
    const dir = mkdtempSync(join(tmpdir(), 'readme-workflows-'))
    try {
      workflows.forEach((block, i) => writeFileSync(join(dir, `readme-${i + 1}.yml`), block))
      const run = spawnSync(process.execPath, [ACTIONLINT, join(dir, '*.yml')], {
        cwd: ROOT,
        encoding: 'utf8'
      })
      expect(run.stdout).toContain('All workflow files passed lint checks')
      expect(run.status).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  // actionlint does not know this repository's actions when they are used by their published
  // name, so this checks every `with:` of the examples against the action.yml it names.
  it('examples give the actions only inputs they declare, and read only outputs they declare', () => {
    const problems: string[] = []
    const steps: Array<{ id?: string; uses?: string; with?: Record<string, unknown> }> = []
    for (const block of yamlBlocks) {
      const doc = parse(block) as unknown
      const found = Array.isArray(doc)
        ? doc
        : Object.values(
            (doc as { jobs?: Record<string, { steps?: unknown[] }> }).jobs ?? {}
          ).flatMap((job) => job.steps ?? [])
      steps.push(...(found as typeof steps))
    }
    const ids = new Map<string, string>()
    for (const step of steps) {
      const m = /^your-org\/app-store-connect-actions(?:\/(actions\/[a-z-]+))?@v1$/.exec(
        step.uses ?? ''
      )
      if (!m) continue
      const path = m[1] ? `${m[1]}/action.yml` : 'action.yml'
      if (!existsSync(join(ROOT, path))) {
        problems.push(`${step.uses}: no ${path}`)
        continue
      }
      const action = readAction(path)
      for (const key of Object.keys(step.with ?? {}))
        if (!(key in (action.inputs ?? {}))) problems.push(`${step.uses}: no input ${key}`)
      if (step.id) ids.set(step.id, path)
    }
    for (const [, id, output] of README.matchAll(/steps\.([a-z0-9_-]+)\.outputs\.([a-z0-9_-]+)/g)) {
      const path = ids.get(id)
      if (path && !(output in (readAction(path).outputs ?? {})))
        problems.push(`${path}: no output ${output}`)
    }
    expect(problems).toEqual([])
  })
})
