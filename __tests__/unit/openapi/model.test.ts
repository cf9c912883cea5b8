import { describe, expect, it } from '@jest/globals'
import { bundledModel } from '../../../src/openapi/load.js'
import { buildModel } from '../../../src/openapi/model.js'
import { operationIndex } from '../../../src/shared/asc/operations.js'
import { smallSpec } from '../../support/openapi-docs.js'

describe('buildModel', () => {
  const model = buildModel(smallSpec('1.0'), 'abc')

  it('keeps each operation with its tags, paging flag, body and response schema', () => {
    expect(model).toMatchObject({ version: '1.0', sha256: 'abc' })
    const [list, create, one] = model.operations
    expect(list).toMatchObject({ m: 'GET', p: '/v1/widgets', id: 'widgets_getCollection', g: ['Widgets'], pg: 1, s: 'WidgetsResponse' })
    expect(create).toMatchObject({ m: 'POST', b: 'WidgetCreateRequest', s: 'WidgetResponse' })
    expect(create.pg).toBeUndefined()
    expect(one.q).toBeUndefined()
  })

  it('stores enums and descriptions once, by index', () => {
    const filter = model.operations[0].q!.find((p) => p.n === 'filter[state]')!
    expect(model.enums[filter.e!]).toEqual(['NEW', 'OLD'])
    expect(model.texts[filter.d!]).toBe("filter by attribute 'state'")
    expect(model.schemas.Widget.p!.attributes.p!.state.e).toBe(filter.e)
  })

  it('collapses JSON:API relationships, not request data', () => {
    expect(model.schemas.Widget.p!.relationships.p!.app).toEqual({ rel: 'apps' })
    expect(model.schemas.WidgetCreateRequest.p!.data.p!.attributes.r).toEqual(['name'])
  })

  it('refuses what is not an OpenAPI document', () => {
    expect(() => buildModel({ hello: 1 })).toThrow(/not an OpenAPI document/)
  })

  it('agrees with the operation index the api action validates against', () => {
    const { model: bundled } = bundledModel()
    expect(bundled.version).toBe(operationIndex.version)
    expect(bundled.sha256).toBe(operationIndex.sha256)
    expect(bundled.operations).toHaveLength(operationIndex.operations.length)
    bundled.operations.forEach((op, i) => {
      const indexed = operationIndex.operations[i]
      expect([op.m, op.p, op.id, op.b, op.r]).toEqual([indexed.m, indexed.p, indexed.id, indexed.b, indexed.r])
      const params = (q: typeof op.q, enums: string[][]) =>
        (q ?? []).map((p) => [p.n, p.t, p.i, p.max, p.r, p.e === undefined ? undefined : enums[p.e]])
      expect(params(op.q, bundled.enums)).toEqual(params(indexed.q, operationIndex.enums))
    })
  })
})
