import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  briefList,
  findOperation,
  levenshtein,
  matchOperation,
  matchPath,
  parseOperationText,
  suggestOperations,
  validateBody,
  validateBodyDetailed,
  validateQuery,
  validateQueryDetailed,
  type IndexedOperation,
  type OperationIndex,
  type SchemaMap
} from '../../../src/shared/asc/openapi/validate.js'

const generated = join(process.cwd(), 'src', 'shared', 'asc', 'generated')
const index = JSON.parse(readFileSync(join(generated, 'operations.json'), 'utf8')) as OperationIndex
const schemas = (
  JSON.parse(readFileSync(join(generated, 'schemas.json'), 'utf8')) as { schemas: SchemaMap }
).schemas

function op(method: string, template: string): IndexedOperation {
  const found = findOperation(index, method, template)
  if (!found) throw new Error(`no ${method} ${template}`)
  return found
}

describe('matchOperation', () => {
  it('matches templates and extracts path parameters', () => {
    const m = matchOperation(index, 'GET', '/v1/apps/6400000001/builds')
    expect(m?.op.p).toBe('/v1/apps/{id}/builds')
    expect(m?.op.id).toBe('apps_builds_getToManyRelated')
    expect(m?.pathParams).toEqual({ id: '6400000001' })
  })

  it('accepts lower-case methods, full URLs, query strings and encoded ids', () => {
    expect(
      matchOperation(index, 'get', 'https://api.appstoreconnect.apple.com/v1/apps?limit=1')?.op.p
    ).toBe('/v1/apps')
    expect(matchOperation(index, 'GET', '/v1/builds/a%2Fb')?.pathParams).toEqual({ id: 'a/b' })
    expect(matchOperation(index, 'GET', '/v1/apps/')?.op.p).toBe('/v1/apps')
  })

  it('prefers literal segments over {id}', () => {
    expect(matchOperation(index, 'GET', '/v1/builds/1/relationships/app')?.op.p).toBe(
      '/v1/builds/{id}/relationships/app'
    )
    expect(matchOperation(index, 'GET', '/v1/apps/1/metrics/betaTesterUsages')?.op.p).toBe(
      '/v1/apps/{id}/metrics/betaTesterUsages'
    )
  })

  it('returns undefined for an unknown path or a method the path does not have', () => {
    expect(matchOperation(index, 'GET', '/v1/appz')).toBeUndefined()
    expect(matchOperation(index, 'POST', '/v1/apps')).toBeUndefined()
    expect(matchPath(index, '/v1/apps')?.operations.GET).toBeDefined()
    expect(Object.keys(matchPath(index, '/v1/apps/1')!.operations).sort()).toEqual(['GET', 'PATCH'])
  })

  it('finds every operation of the index by its own template', () => {
    for (const o of index.operations) {
      const concrete = o.p.replace(/\{[^}]+\}/g, 'X1')
      expect(matchOperation(index, o.m, concrete)?.op).toBe(o)
    }
  })
})

describe('validateQuery', () => {
  const apps = op('GET', '/v1/apps')
  const builds = op('GET', '/v1/builds')

  it('accepts valid parameters, comma lists and the cursor of links.next', () => {
    expect(
      validateQuery(index, apps, {
        'filter[bundleId]': 'com.example.a,com.example.b',
        'fields[apps]': 'name,bundleId',
        sort: '-name',
        limit: '200',
        include: 'builds,betaGroups',
        'limit[builds]': '50',
        'exists[gameCenterEnabledVersions]': 'false',
        cursor: 'eyJvZmZzZXQiOiIyMDAifQ'
      })
    ).toEqual([])
  })

  it('names an unknown parameter, suggests the nearest and lists allowed ones briefly', () => {
    const problems = validateQuery(index, apps, { 'filter[bundleID]': 'x' })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/'filter\[bundleID\]' is not a parameter of GET \/v1\/apps/)
    expect(problems[0]).toMatch(/did you mean 'filter\[bundleId\]'/)
    expect(problems[0]).toMatch(/allowed: filter\[name\], .*…/)
  })

  it('refuses a value outside the enum, item by item in a list', () => {
    const d = validateQueryDetailed(index, builds, { 'filter[processingState]': 'VALID,DONE' })
    expect(d).toHaveLength(1)
    expect(d[0]).toMatchObject({ parameter: 'filter[processingState]', kind: 'enum' })
    expect(d[0].message).toMatch(
      /'DONE' is not a valid value of 'filter\[processingState\]'; allowed: PROCESSING, FAILED, INVALID, VALID/
    )
    expect(validateQuery(index, apps, { include: 'bilds' })[0]).toMatch(/did you mean 'builds'/)
  })

  it('checks integers, maxima and a minimum of 1 for limits', () => {
    expect(validateQuery(index, apps, { limit: 'ten' })[0]).toMatch(/'limit' must be an integer/)
    expect(validateQuery(index, apps, { limit: '201' })[0]).toMatch(
      /'limit' is 201; the maximum is 200/
    )
    expect(validateQuery(index, apps, { 'limit[builds]': '51' })[0]).toMatch(/maximum is 50/)
    expect(validateQuery(index, apps, { limit: '0' })[0]).toMatch(/minimum is 1/)
    expect(validateQuery(index, apps, { 'exists[gameCenterEnabledVersions]': 'yes' })[0]).toMatch(
      /true or false/
    )
  })

  it('reports missing required parameters, with their allowed values', () => {
    const sales = op('GET', '/v1/salesReports')
    const d = validateQueryDetailed(index, sales, { 'filter[vendorNumber]': '123' })
    expect(d.map((p) => p.parameter)).toEqual([
      'filter[reportType]',
      'filter[reportSubType]',
      'filter[frequency]'
    ])
    expect(d.every((p) => p.kind === 'required')).toBe(true)
    expect(d[2].message).toMatch(/one of: DAILY, WEEKLY, MONTHLY, YEARLY/)
  })

  it('refuses empty values', () => {
    expect(validateQuery(index, apps, { 'filter[bundleId]': '' })[0]).toMatch(/empty value/)
    expect(validateQuery(index, apps, { 'filter[bundleId]': 'a,,b' })[0]).toMatch(/empty value/)
  })

  it('says so when an operation takes no query parameters', () => {
    const del = op('DELETE', '/v1/betaGroups/{id}')
    expect(validateQuery(index, del, { limit: '1' })[0]).toMatch(/takes no query parameters/)
  })
})

describe('validateBody', () => {
  const createGroup = op('POST', '/v1/betaGroups')
  const group = {
    data: {
      type: 'betaGroups',
      attributes: { name: 'QA', publicLinkEnabled: true, publicLinkLimit: 10 },
      relationships: { app: { data: { type: 'apps', id: '1' } } }
    }
  }

  it('accepts a valid body', () => {
    expect(validateBody(schemas, createGroup, group)).toEqual([])
  })

  it('is strict: a member the schema does not define is a problem, with its pointer', () => {
    const body = structuredClone(group) as typeof group & {
      data: { attributes: Record<string, unknown> }
    }
    body.data.attributes.publicLinkLimt = 5
    const d = validateBodyDetailed(schemas, createGroup, body)
    expect(d).toHaveLength(1)
    expect(d[0]).toMatchObject({ pointer: '/data/attributes/publicLinkLimt', kind: 'unknown' })
    expect(d[0].message).toMatch(/did you mean 'publicLinkLimit'/)
    expect(validateBody(schemas, createGroup, { ...group, meta: {} })[0]).toMatch(
      /^\/meta: not defined/
    )
  })

  it('reports required members, types, enums and nulls', () => {
    const d = validateBodyDetailed(schemas, createGroup, {
      data: {
        type: 'betaGroup',
        attributes: { publicLinkLimit: '10', isInternalGroup: null },
        relationships: {}
      }
    })
    const byPointer = Object.fromEntries(d.map((p) => [p.pointer, p.kind]))
    expect(byPointer).toEqual({
      '/data/type': 'enum',
      '/data/attributes/name': 'required',
      '/data/attributes/publicLinkLimit': 'type',
      '/data/relationships/app': 'required'
    })
    const invite = op('POST', '/v1/userInvitations')
    const problems = validateBody(schemas, invite, {
      data: {
        type: 'userInvitations',
        attributes: {
          email: 'a@example.com',
          firstName: 'A',
          lastName: 'B',
          roles: ['DEVELOPER', 'WIZARD'],
          allAppsVisible: null
        }
      }
    })
    expect(problems).toEqual([
      expect.stringMatching(/^\/data\/attributes\/roles\/1: 'WIZARD' is not allowed; one of: ADMIN/)
    ])
    expect(
      validateBody(schemas, invite, {
        data: {
          type: 'userInvitations',
          attributes: { email: 'a@example.com', firstName: null, lastName: 'B', roles: [] }
        }
      })
    ).toEqual(['/data/attributes/firstName: must not be null'])
  })

  it('checks formats loosely (email, date, date-time, uri)', () => {
    const invite = op('POST', '/v1/userInvitations')
    expect(
      validateBody(schemas, invite, {
        data: {
          type: 'userInvitations',
          attributes: { email: 'nobody', firstName: 'A', lastName: 'B', roles: ['ADMIN'] }
        }
      })[0]
    ).toMatch(/not an e-mail address/)
  })

  it('validates linkage bodies of relationship operations', () => {
    const add = op('POST', '/v1/betaGroups/{id}/relationships/builds')
    expect(validateBody(schemas, add, { data: [{ type: 'builds', id: 'b1' }] })).toEqual([])
    expect(validateBody(schemas, add, { data: [{ type: 'apps', id: 'b1' }] })[0]).toMatch(
      /^\/data\/0\/type:/
    )
    expect(validateBody(schemas, add, { data: { type: 'builds', id: 'b1' } })[0]).toMatch(
      /^\/data: must be an array/
    )
  })

  it('follows oneOf in included inline creates', () => {
    const create = op('POST', '/v1/appCustomProductPages')
    expect(create.b).toBe('AppCustomProductPageCreateRequest')
    const ok = {
      data: {
        type: 'appCustomProductPages',
        attributes: { name: 'Page' },
        relationships: { app: { data: { type: 'apps', id: '1' } } }
      }
    }
    expect(validateBody(schemas, create, ok)).toEqual([])
    const bad = { ...ok, included: [{ type: 'nope', id: '${x}' }] }
    expect(validateBody(schemas, create, bad).length).toBeGreaterThan(0)
  })

  it('requires a body where the operation takes one, and refuses one where it does not', () => {
    expect(validateBodyDetailed(schemas, createGroup, undefined)[0]).toMatchObject({
      kind: 'missing-body',
      pointer: ''
    })
    expect(validateBody(schemas, op('GET', '/v1/apps'), {})[0]).toMatch(
      /GET \/v1\/apps takes no body/
    )
    expect(validateBody(schemas, op('GET', '/v1/apps'), undefined)).toEqual([])
  })
})

describe('suggestOperations', () => {
  it('finds the intended operation for typos in the path', () => {
    expect(suggestOperations(index, 'GET /v1/appz')[0]).toBe('GET /v1/apps')
    expect(suggestOperations(index, 'GET /v1/apps/123/bilds')[0]).toBe('GET /v1/apps/{id}/builds')
    expect(suggestOperations(index, 'POST /v1/betaGroup')[0]).toBe('POST /v1/betaGroups')
    expect(suggestOperations(index, 'get /v1/userinvitations')[0]).toBe('GET /v1/userInvitations')
  })

  it('prefers the right method but still offers others, n at most', () => {
    const s = suggestOperations(index, 'PUT /v1/apps/1', 3)
    expect(s).toHaveLength(3)
    expect(s).toContain('GET /v1/apps/{id}')
    expect(s).toContain('PATCH /v1/apps/{id}')
    expect(suggestOperations(index, '/v1/bundleIds')[0]).toMatch(/ \/v1\/bundleIds$/)
  })
})

describe('helpers', () => {
  it('parses operation text, lists briefly and measures edit distance', () => {
    expect(parseOperationText('  post  /v1/apps ')).toEqual({ method: 'POST', path: '/v1/apps' })
    expect(parseOperationText('/v1/apps')).toEqual({ path: '/v1/apps' })
    expect(briefList(['a', 'b'])).toBe('a, b')
    expect(briefList('abcdefghijkl'.split(''), 3)).toBe('a, b, c, … (12 in all)')
    expect(levenshtein('kitten', 'sitting')).toBe(3)
  })
})
