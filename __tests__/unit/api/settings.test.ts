import { describe, expect, it } from '@jest/globals'
import { generateKeyPairSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { Inputs } from '../../../src/shared/inputs.js'
import { readSettings } from '../../../src/api/settings.js'
import { parseQuery, resolveOperation } from '../../../src/api/operation.js'
import { operationIndex } from '../../../src/shared/asc/operations.js'

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString()

function settings(values: Record<string, string>) {
  const inputs = new Inputs(
    (name) => ({ 'key-id': 'ABCDEF1234', 'private-key': pem, ...values })[name],
    {}
  )
  return { settings: readSettings(inputs), names: inputs.names }
}

describe('api settings', () => {
  it('reads exactly the inputs action.yml declares', () => {
    const declared = Object.keys(parse(readFileSync('action.yml', 'utf8')).inputs).sort()
    const { names } = settings({ operation: 'GET /v1/apps' })
    expect([...names].sort()).toEqual(declared)
  })

  it('the shared connection inputs have no default in action.yml, so the environment can supply them', () => {
    const inputs = parse(readFileSync('action.yml', 'utf8')).inputs
    for (const name of ['key-id', 'issuer-id', 'private-key', 'private-key-path', 'api-base-url'])
      expect(inputs[name].default).toBeUndefined()
  })

  it('resolves concrete paths, operationIds and inline queries', () => {
    expect(resolveOperation(operationIndex, 'get /v1/apps/123/builds?limit=5')).toMatchObject({
      method: 'GET',
      path: '/v1/apps/123/builds',
      op: { p: '/v1/apps/{id}/builds' },
      inlineQuery: { limit: '5' }
    })
    expect(resolveOperation(operationIndex, 'apps_getCollection')).toMatchObject({
      method: 'GET',
      path: '/v1/apps'
    })
  })

  it.each([
    ['/v1/apps', /names no method/],
    ['GET /v1/apps/{id}', /placeholder \{id\}/],
    ['apps_getInstance', /with the IDs filled in/],
    ['PATCH /v1/apps', /not an operation.*Nearest:/]
  ])('refuses %p', (text, message) => {
    expect(() => resolveOperation(operationIndex, text)).toThrow(message)
  })

  it('parses the query as JSON or name=value lines', () => {
    expect(parseQuery('{"filter[platform]": ["IOS", "MAC_OS"], "limit": 10, "x": null}')).toEqual({
      'filter[platform]': 'IOS,MAC_OS',
      limit: '10'
    })
    expect(parseQuery('filter[bundleId]=com.example.app\n# a comment\n\nlimit = 5')).toEqual({
      'filter[bundleId]': 'com.example.app',
      limit: '5'
    })
    expect(() => parseQuery('just words')).toThrow(/Input 'query': line 1/)
    expect(() => parseQuery('{"a": {"b": 1}}')).toThrow(/'a' must be a string/)
  })

  it('pages at the maximum unless told otherwise, and only where the operation pages', () => {
    expect(settings({ operation: 'GET /v1/apps', paginate: 'true' }).settings.query.limit).toBe(
      '200'
    )
    expect(
      settings({ operation: 'GET /v1/apps', paginate: 'true', query: 'limit=20' }).settings.query
        .limit
    ).toBe('20')
    expect(() => settings({ operation: 'GET /v1/apps/1', paginate: 'true' })).toThrow(
      /Input 'paginate'/
    )
  })

  it('refuses a body for an operation that takes none, and a missing one where it is required', () => {
    expect(() => settings({ operation: 'GET /v1/apps', body: '{"data":{}}' })).toThrow(
      /Input 'body'/
    )
    expect(() => settings({ operation: 'POST /v1/userInvitations' })).toThrow(/Input 'body'/)
  })

  it('refuses a missing key ID or a key given twice', () => {
    expect(() =>
      readSettings(new Inputs((n) => ({ operation: 'GET /v1/apps', 'private-key': pem })[n], {}))
    ).toThrow(/Input 'key-id': is required/)
    expect(() => settings({ operation: 'GET /v1/apps', 'private-key-path': '/tmp/k.p8' })).toThrow(
      /Input 'private-key-path': give either/
    )
  })
})
