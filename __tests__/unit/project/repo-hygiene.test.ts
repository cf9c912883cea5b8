import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from '../../../tools/e2e-harness.js'
import {
  changelogProblems,
  checkRepo,
  dependabotProblems,
  licenseProblems,
  permissionProblems,
  pinProblems,
  releasedVersions,
  releaseNotes,
  releaseTagProblems
} from '../../../scripts/check-repo.js'

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8')
const SHA = '08c6903cd8c0fde910a37f88322edcfb5dd907a8'

const CHANGELOG = [
  '# Changelog',
  '',
  '## [Unreleased]',
  '',
  '- Something new.',
  '',
  '## [1.2.0] - 2026-11-02',
  '',
  '### Added',
  '',
  '- A feature.',
  '',
  '## [1.1.0]',
  '',
  '- Older.',
  '',
  '[Unreleased]: https://example.com/compare/v1.2.0...HEAD',
  '[1.2.0]: https://example.com/releases/tag/v1.2.0',
  ''
].join('\n')

describe('the repository as it is', () => {
  it('has every file users look for, and they agree', () => {
    expect(checkRepo(ROOT)).toEqual([])
  })

  it('ships the MIT license package.json names, for its contributors', () => {
    expect(JSON.parse(read('package.json')).license).toBe('MIT')
    expect(read('LICENSE')).toMatch(
      /^MIT License\n\nCopyright \(c\) \d{4} app-store-connect-actions contributors\n/
    )
  })

  it("releases package.json's version as the CHANGELOG's latest section", () => {
    const version = JSON.parse(read('package.json')).version
    expect(releasedVersions(read('CHANGELOG.md'))[0]).toBe(version)
    expect(releaseTagProblems(`v${version}`, version, read('CHANGELOG.md'))).toEqual([])
  })

  it('marks dist/ and the generated OpenAPI files as generated', () => {
    const attributes = read('.gitattributes')
    expect(attributes).toMatch(/^dist\/\*\* linguist-generated=true/m)
    expect(attributes).toMatch(/^src\/shared\/asc\/generated\/\*\* linguist-generated=true/m)
  })

  it('has a release workflow that checks before it writes, and writes in one job only', () => {
    const workflow = parse(read('.github/workflows/release.yml'))
    expect(Object.keys(workflow.on).sort()).toEqual(['push', 'workflow_dispatch'])
    expect(workflow.on.push.tags).toEqual(['v*.*.*'])
    expect(workflow.permissions).toEqual({})
    expect(workflow.jobs.check.permissions).toEqual({ contents: 'read' })
    expect(workflow.jobs.release.permissions).toEqual({ contents: 'write' })
    expect(workflow.jobs.release.needs).toBe('check')
    const checks = JSON.stringify(workflow.jobs.check.steps)
    for (const step of ['check-repo.ts release', '.ci/run build dist', '.ci/run repo'])
      expect(checks).toContain(step)
  })

  it('runs the e2e tests with the bundles under Node 20 and 24 in CI, through .ci/run', () => {
    const ci = parse(read('.github/workflows/ci.yml'))
    expect(ci.jobs['e2e-node'].strategy.matrix.node).toEqual([20, 24])
    const steps = JSON.stringify(ci.jobs['e2e-node'].steps)
    expect(steps).toContain('bash .ci/run e2e-current')
    expect(read('.ci/run')).toMatch(/E2E_NODE=current .*jest __tests__\/e2e/)
  })

  it('runs in ci.yml the steps .ci/run runs, actionlint and the repository check included', () => {
    const run = read('.ci/run')
    const all = /^ALL=\(([^)]*)\)/m.exec(run)![1].split(/\s+/)
    expect(all).toEqual(expect.arrayContaining(['actionlint', 'repo', 'test', 'dist']))
    const ci = parse(read('.github/workflows/ci.yml'))
    const called = new Set<string>()
    for (const job of Object.values(ci.jobs) as Array<{ steps: Array<{ run?: string }> }>)
      for (const step of job.steps)
        for (const m of (step.run ?? '').matchAll(/bash \.ci\/run ([a-z0-9 -]+)/g))
          m[1].split(' ').forEach((s) => called.add(s))
    expect(all.filter((s) => !called.has(s))).toEqual([])
  })

  it('states in the README the runner that node24 actions need and the Node versions tested', () => {
    const readme = read('README.md')
    expect(readme).toContain('v2.327.1')
    expect(readme).toMatch(/Node 20 and 24/)
  })
})

describe('the checks find what is wrong', () => {
  it('a license that does not match package.json', () => {
    expect(licenseProblems('MIT', 'MIT License\n\nCopyright')).toEqual([])
    expect(licenseProblems('MIT', 'Apache License\nVersion 2.0')).toEqual([
      'LICENSE starts with "Apache License", but package.json\'s license MIT needs "MIT License"'
    ])
    expect(licenseProblems('MIT', undefined)).toEqual([
      'LICENSE is missing (package.json says MIT)'
    ])
    expect(licenseProblems(undefined, 'MIT License')).toEqual(['package.json has no "license"'])
  })

  it('a version that is not the latest CHANGELOG section', () => {
    expect(changelogProblems('1.2.0', CHANGELOG)).toEqual([])
    expect(changelogProblems('1.1.0', CHANGELOG)).toEqual([
      "package.json's version is 1.1.0, but the latest CHANGELOG.md section is [1.2.0]"
    ])
    expect(changelogProblems('1.2.0', '# Changelog\n\n## [1.2.0]\n\n- x\n')).toEqual([
      'CHANGELOG.md has no "## [Unreleased]" section for the next changes'
    ])
    expect(changelogProblems('1.2.0', '## [Unreleased]\n')).toEqual([
      'CHANGELOG.md has no released "## [x.y.z]" section'
    ])
    expect(changelogProblems('1.2.0', '## [Unreleased]\n## [1.2.0]\n\n## [1.1.0]\n- x\n')).toEqual([
      "CHANGELOG.md's section [1.2.0] is empty"
    ])
  })

  it('takes the release notes from one section, without the next one or the links', () => {
    expect(releaseNotes(CHANGELOG, '1.2.0')).toBe('### Added\n\n- A feature.')
    expect(releaseNotes(CHANGELOG, '1.1.0')).toBe('- Older.')
    expect(releaseNotes(CHANGELOG, '9.9.9')).toBeUndefined()
  })

  it('a release tag that is not vX.Y.Z of package.json, or has no notes', () => {
    expect(releaseTagProblems('v1.2.0', '1.2.0', CHANGELOG)).toEqual([])
    expect(releaseTagProblems('1.2.0', '1.2.0', CHANGELOG)).toEqual(['the tag 1.2.0 is not vX.Y.Z'])
    expect(releaseTagProblems('v1.2', '1.2.0', CHANGELOG)).toEqual(['the tag v1.2 is not vX.Y.Z'])
    expect(releaseTagProblems('v1.3.0', '1.2.0', CHANGELOG)).toEqual([
      "the tag v1.3.0 does not match package.json's version 1.2.0"
    ])
    expect(releaseTagProblems('v2.0.0-rc.1', '2.0.0-rc.1', CHANGELOG)).toEqual([
      'CHANGELOG.md has no notes in a "## [2.0.0-rc.1]" section'
    ])
  })

  it('an action used by tag or short SHA, or without its tag in a comment', () => {
    const workflow = [
      'steps:',
      `  - uses: actions/checkout@${SHA} # v5.0.0`,
      '  - uses: ./actions/sync-profiles',
      '  - uses: your-org/app-store-connect-actions/actions/nightly-maintenance@v1',
      '  - uses: actions/setup-node@v5',
      '    with: { node-version: 24 }',
      `  - uses: 'actions/cache@${SHA.slice(0, 7)}' # v4`,
      `  - uses: actions/upload-artifact@${SHA}`,
      `  - name: x`,
      `    uses: github/codeql-action/upload-sarif@${SHA} # v3.29.0`,
      '  - uses: docker://alpine:3.20',
      ''
    ].join('\n')
    expect(pinProblems('w.yml', workflow)).toEqual([
      'w.yml:5: actions/setup-node@v5 is not pinned by a full commit SHA',
      `w.yml:7: actions/cache@${SHA.slice(0, 7)} is not pinned by a full commit SHA`,
      `w.yml:8: actions/upload-artifact@${SHA} has no "# vX.Y.Z" comment naming its tag`,
      'w.yml:11: docker://alpine:3.20 is not pinned by digest'
    ])
  })

  it('write permissions for every job, or no permissions at all', () => {
    const job = 'jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{ run: "true" }]\n'
    expect(permissionProblems('ok.yml', `permissions:\n  contents: read\n${job}`)).toEqual([])
    expect(permissionProblems('ok.yml', `permissions: {}\n${job}`)).toEqual([])
    expect(permissionProblems('none.yml', job)).toEqual([
      'none.yml: no top-level permissions (the default token may write)'
    ])
    expect(permissionProblems('wide.yml', `permissions:\n  contents: write\n${job}`)).toEqual([
      'wide.yml: grants contents: write to every job; grant it in the job that needs it'
    ])
    expect(permissionProblems('all.yml', `permissions: write-all\n${job}`)).toEqual([
      'all.yml: grants write-all to every job; grant it in the job that needs it'
    ])
    expect(
      permissionProblems(
        'job.yml',
        'permissions: {}\njobs:\n  a:\n    permissions: write-all\n    runs-on: x\n'
      )
    ).toEqual(['job.yml: job a has write-all'])
  })

  it('a dependabot.yml that leaves npm or the actions alone', () => {
    expect(dependabotProblems(read('.github/dependabot.yml'))).toEqual([])
    expect(dependabotProblems('version: 2\nupdates:\n  - package-ecosystem: npm\n')).toEqual([
      '.github/dependabot.yml does not update github-actions'
    ])
  })
})
