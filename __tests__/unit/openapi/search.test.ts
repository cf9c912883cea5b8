import { describe, expect, it } from '@jest/globals'
import { searchModel, words } from '../../../src/openapi/commands/search.js'
import { bundledModel } from '../../../src/openapi/load.js'

const { model } = bundledModel()

describe('search', () => {
  it('splits camelCase, brackets and underscores into words', () => {
    expect(words('filter[processingState]')).toEqual(['filter', 'processing', 'state'])
    expect(words('betaGroups_betaTesters_getToManyRelated')).toEqual([
      'beta', 'groups', 'beta', 'testers', 'get', 'to', 'many', 'related'
    ])
  })

  it.each([
    ['expire build', 'PATCH /v1/builds/{id}'],
    ['beta group testers', 'GET /v1/betaGroups/{id}/betaTesters'],
    ['profile devices', 'GET /v1/profiles/{id}/devices'],
    ['sales report', 'GET /v1/salesReports'],
    ['invite user', 'POST /v1/userInvitations'],
  ])('"%s" ranks %s first', (query, expected) => {
    expect(searchModel(model, query)[0]).toMatchObject({ kind: 'operation', name: expected })
  })

  it('finds schemas by name and enum values', () => {
    const hits = searchModel(model, 'VISION_OS platform')
    expect(hits.filter((h) => h.kind === 'schema').map((h) => h.name)).toContain('Platform')
  })

  it('refuses an empty query', () => {
    expect(() => searchModel(model, '  ')).toThrow(/search needs words/)
  })
})
