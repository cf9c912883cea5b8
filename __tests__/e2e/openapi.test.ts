// The explorer run as a user runs it: `node dist/openapi/index.js …`, from a copy of the bundle in
// an empty folder (no node_modules, no repository beside it).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from '../../tools/e2e-harness.js'
import { smallSpec, zipOf } from '../support/openapi-docs.js'

let dir: string
let bin: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'openapi-explorer-'))
  bin = join(dir, 'app-store-connect-openapi.js')
  copyFileSync(join(ROOT, 'dist', 'openapi', 'index.js'), bin)
  copyFileSync(join(ROOT, 'dist', 'openapi', 'package.json'), join(dir, 'package.json'))
  writeFileSync(join(dir, 'old.json'), JSON.stringify(smallSpec('1.0')))
  writeFileSync(join(dir, 'new.json'), JSON.stringify(smallSpec('1.1', true)))
  writeFileSync(
    join(dir, 'new.zip'),
    zipOf({
      'README.txt': 'not this one',
      'openapi.oas.json': JSON.stringify(smallSpec('1.1', true))
    })
  )
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function explorer(...args: string[]) {
  const run = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' }
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

function json(...args: string[]) {
  const run = explorer(...args, '--json')
  expect(run.stderr).toBe('')
  expect(run.code).toBe(0)
  return JSON.parse(run.stdout)
}

describe('app-store-connect-openapi, the bundled document', () => {
  it('summary: version and counts', () => {
    const run = explorer('summary')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^App Store Connect API 4\.4\.1 \(bundled\)/)
    expect(run.stdout).toMatch(/operations +1263 \(/)
    const s = json('summary')
    expect(s).toMatchObject({ version: '4.4.1', operations: 1263, paths: 966, schemas: 1393 })
    expect(s.resources).toBe(json('resources').length)
  })

  it('resources: the tags with their operation counts', () => {
    const tags = json('resources') as Array<{ name: string; operations: number }>
    expect(tags.find((t) => t.name === 'Builds')?.operations).toBeGreaterThan(10)
    expect(tags.reduce((n, t) => n + t.operations, 0)).toBeGreaterThanOrEqual(1263)
    expect(explorer('resources').stdout).toMatch(/^ {2}BetaGroups +\d+$/m)
  })

  it('resource: the operations of one, matched ignoring case', () => {
    const run = explorer('resource', 'betagroups')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^BetaGroups: \d+ operation/)
    expect(run.stdout).toMatch(/GET +\/v1\/betaGroups\/\{id\}\/betaTesters/)
    const r = json('resource', 'Builds')
    expect(r.operations).toContainEqual(
      expect.objectContaining({
        method: 'PATCH',
        path: '/v1/builds/{id}',
        id: 'builds_updateInstance'
      })
    )
  })

  it('operation: parameters with types, enums, limits; paging; a body template with required members', () => {
    const get = json('operation', 'GET /v1/builds')
    expect(get.pages).toBe(true)
    expect(get.query).toContainEqual(
      expect.objectContaining({ name: 'limit', type: 'integer', maximum: 200 })
    )
    expect(get.query).toContainEqual(
      expect.objectContaining({
        name: 'filter[processingState]',
        type: 'string[]',
        enum: ['PROCESSING', 'FAILED', 'INVALID', 'VALID']
      })
    )
    const patch = json('operation', 'PATCH', '/v1/builds/{id}')
    expect(patch.pages).toBe(false)
    expect(patch.pathParameters).toEqual(['id'])
    expect(patch.body.schema).toBe('BuildUpdateRequest')
    expect(patch.body.required).toEqual(expect.arrayContaining(['/data', '/data/type', '/data/id']))
    expect(patch.body.template.data).toMatchObject({
      type: 'builds',
      id: '<string, required>',
      attributes: { expired: '<boolean>' }
    })
    const text = explorer('operation', 'PATCH /v1/builds/123')
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^PATCH \/v1\/builds\/\{id\} +\(builds_updateInstance/)
    expect(text.stdout).toContain('"expired": "<boolean>"')
  })

  it('schema: attributes, enums, nullable, required, relationships', () => {
    const build = json('schema', 'Build')
    expect(build.resourceType).toBe('builds')
    expect(build.attributes).toContainEqual(
      expect.objectContaining({
        name: 'processingState',
        type: 'string',
        enum: ['PROCESSING', 'FAILED', 'INVALID', 'VALID']
      })
    )
    expect(build.relationships).toContainEqual({
      name: 'app',
      type: 'apps',
      many: false,
      required: false
    })
    expect(build.relationships).toContainEqual(
      expect.objectContaining({ name: 'betaGroups', many: true })
    )
    const text = explorer('schema', 'BuildUpdateRequest').stdout
    expect(text).toMatch(/^ {2}data\.id \* +string/m)
    expect(text).toMatch(/^ {2}expired +boolean \(nullable\)/m)
  })

  it.each([
    ['expire build', 'PATCH /v1/builds/{id}'],
    ['beta group testers', 'GET /v1/betaGroups/{id}/betaTesters'],
    ['profile devices', 'GET /v1/profiles/{id}/devices'],
    ['sales report', 'GET /v1/salesReports']
  ])('search "%s" ranks %s first', (query, expected) => {
    const hits = json('search', ...query.split(' '))
    expect(hits[0]).toMatchObject({ kind: 'operation', name: expected })
    expect(explorer('search', query).stdout.split('\n')[2]).toMatch(
      new RegExp(`^ {2}${expected.replace(/[{}/]/g, '\\$&')} `)
    )
  })

  it('unknown names exit non-zero with the nearest matches', () => {
    const resource = explorer('resource', 'Biulds')
    expect(resource.code).toBe(1)
    expect(resource.stderr).toMatch(/'Biulds' is not a resource.*\nnearest: Builds/)
    const schema = explorer('schema', 'Bild', '--json')
    expect(schema.code).toBe(1)
    expect(JSON.parse(schema.stderr).nearest).toContain('Build')
    const op = explorer('operation', 'GET /v1/biulds')
    expect(op.code).toBe(1)
    expect(op.stderr).toMatch(/nearest: GET \/v1\/builds/)
    const command = explorer('serach', 'x')
    expect(command.code).toBe(2)
    expect(command.stderr).toMatch(/unknown command 'serach'/)
  })

  it('prints usage with --help', () => {
    const run = explorer('--help')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^Usage: app-store-connect-openapi/)
  })
})

describe('app-store-connect-openapi, another version of the document', () => {
  it('--spec reads Apple’s JSON', () => {
    expect(json('summary', '--spec', 'old.json')).toMatchObject({
      version: '1.0',
      operations: 3,
      resources: 1
    })
    const op = json('operation', 'GET /v1/widgets', '--spec', 'old.json')
    expect(op.query).toContainEqual(
      expect.objectContaining({ name: 'filter[state]', enum: ['NEW', 'OLD'] })
    )
  })

  it('--spec reads the zip Apple publishes', () => {
    expect(json('summary', '--spec', 'new.zip')).toMatchObject({
      version: '1.1',
      operations: 4,
      resources: 2
    })
    const post = json('operation', 'POST /v1/widgets', '--spec=new.zip')
    expect(post.body.template).toEqual({
      data: {
        type: 'widgets',
        attributes: { name: '<string, required>', state: '<one of: NEW, OLD, RETIRED>' }
      }
    })
    expect(json('schema', 'Widget', '--spec', 'new.zip').relationships).toEqual([
      { name: 'app', type: 'apps', many: false, required: false }
    ])
  })

  it('--spec with an unreadable file says so', () => {
    const run = explorer('summary', '--spec', 'missing.zip')
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/cannot read missing\.zip: ENOENT/)
  })

  it('diff: operations, parameters, enum values and attributes added or removed', () => {
    const d = json('diff', 'old.json', 'new.zip')
    expect(d).toMatchObject({ from: '1.0', to: '1.1' })
    expect(d.operations).toEqual({ added: ['GET /v1/gadgets'], removed: [] })
    expect(d.parameters).toEqual({ added: ['GET /v1/widgets filter[colour]'], removed: [] })
    expect(d.enumValues.added).toEqual(
      expect.arrayContaining([
        'GET /v1/widgets filter[state] = RETIRED',
        'Widget.attributes.state = RETIRED'
      ])
    )
    expect(d.enumValues.removed).toEqual([])
    expect(d.attributes).toEqual({
      added: ['Widget.attributes.colour'],
      removed: ['Widget.attributes.size']
    })
    const text = explorer('diff', 'old.json', 'new.json').stdout
    expect(text).toMatch(/^App Store Connect API 1\.0 \(old\.json\) → 1\.1 \(new\.json\)/)
    expect(text).toContain('Operations added (1):\n  + GET /v1/gadgets')
    expect(text).toContain('Attributes removed (1):\n  - Widget.attributes.size')
    expect(explorer('diff', 'new.json', 'new.zip').stdout).toMatch(/No differences/)
  })
})
