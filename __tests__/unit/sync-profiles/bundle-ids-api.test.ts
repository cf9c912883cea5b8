import { describe, expect, it } from '@jest/globals'
import { truncated } from '../../../src/sync-profiles/bundle-ids-api.js'
import type { Resource } from '../../../src/shared/asc/types.js'

const withLinks = (n: number, meta?: unknown): Resource =>
  ({
    type: 'profiles',
    id: 'P',
    relationships: {
      devices: {
        data: Array.from({ length: n }, (_, i) => ({ type: 'devices', id: `D${i}` })),
        ...(meta ? { meta } : {})
      }
    }
  }) as Resource

describe("an included relationship's meta.paging is not trusted", () => {
  it("is cut when it holds as many as the include limit, even with Apple's total: 0", () => {
    expect(truncated(withLinks(50, { paging: { total: 0, limit: 2147483647 } }), 'devices')).toBe(
      true
    )
    expect(truncated(withLinks(50), 'devices')).toBe(true)
  })

  it('is cut when total says more than came', () => {
    expect(truncated(withLinks(3, { paging: { total: 7, limit: 50 } }), 'devices')).toBe(true)
  })

  it('is whole when fewer than the limit came and total does not say more', () => {
    expect(truncated(withLinks(49, { paging: { total: 0, limit: 2147483647 } }), 'devices')).toBe(
      false
    )
    expect(truncated(withLinks(3, { paging: { total: 3, limit: 50 } }), 'devices')).toBe(false)
    expect(truncated(withLinks(0), 'devices')).toBe(false)
  })
})
