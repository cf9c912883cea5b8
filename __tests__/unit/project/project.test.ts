import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parse } from 'yaml'
import { VERSION } from '../../../src/shared/version.js'
import { operationIndex } from '../../../src/shared/asc/operations.js'

const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
const entries: Array<[string, string]> = [
  ['action.yml', 'api'],
  ['actions/distribute-to-testflight/action.yml', 'distribute-to-testflight'],
  ['actions/sync-profiles/action.yml', 'sync-profiles'],
  ['actions/expire-builds/action.yml', 'expire-builds'],
  ['actions/next-build-number/action.yml', 'next-build-number'],
  ['actions/sync-certificates/action.yml', 'sync-certificates'],
  ['actions/submit-to-app-store/action.yml', 'submit-to-app-store'],
  ['actions/release-to-app-store/action.yml', 'release-to-app-store']
]

describe('the project hangs together', () => {
  it('sends the package version in its User-Agent', () => {
    expect(VERSION).toBe(pkg.version)
  })

  it.each(entries)('%s runs on node24 from its committed bundle dist/%s', (file, entry) => {
    const action = parse(readFileSync(file, 'utf8'))
    expect(action.runs.using).toBe('node24')
    const main = join(dirname(file), action.runs.main)
    expect(main).toBe(join('dist', entry, 'index.js'))
    expect(existsSync(main)).toBe(true)
    expect(JSON.parse(readFileSync(join('dist', entry, 'package.json'), 'utf8')).type).toBe(
      'module'
    )
    expect(existsSync(join('dist', entry, 'licenses.txt'))).toBe(true)
  })

  it.each(entries)(
    '%s lets the environment supply the connection inputs (no non-empty defaults)',
    (file) => {
      const inputs = parse(readFileSync(file, 'utf8')).inputs
      for (const name of [
        'key-id',
        'issuer-id',
        'private-key',
        'private-key-path',
        'api-base-url'
      ]) {
        expect(inputs[name]).toBeDefined()
        expect(inputs[name].default ?? '').toBe('')
        expect(inputs[name].required ?? false).toBe(false)
      }
    }
  )

  it("generates its operation index from the repository's own copy of Apple's document", () => {
    const text = readFileSync('openapi/openapi.oas.json')
    const spec = JSON.parse(text.toString('utf8'))
    expect(operationIndex.version).toBe(spec.info.version)
    expect(operationIndex.sha256).toBe(createHash('sha256').update(text).digest('hex'))
    const methods = ['get', 'post', 'patch', 'put', 'delete']
    const count = Object.values<Record<string, unknown>>(spec.paths).reduce(
      (n, item) => n + methods.filter((m) => item[m]).length,
      0
    )
    expect(operationIndex.operations).toHaveLength(count)
  })

  it('ships the OpenAPI explorer as an executable bin that runs with plain node', () => {
    expect(pkg.bin['app-store-connect-openapi']).toBe('dist/openapi/index.js')
    expect(readFileSync('dist/openapi/index.js', 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/)
    expect(statSync('dist/openapi/index.js').mode & 0o111).not.toBe(0)
    expect(pkg.scripts['update-openapi']).toBe('node scripts/update-openapi.mjs')
  })

  it('never reads the shared folder beside the checkout, which a user does not have', () => {
    const files = [
      'package.json',
      'jest.config.js',
      'tsconfig.json',
      '.ci/run',
      'scripts/build.mjs',
      'scripts/generate-openapi.mjs'
    ]
    for (const f of files) expect(readFileSync(f, 'utf8')).not.toMatch(/\.\.\/shared/)
  })
})
