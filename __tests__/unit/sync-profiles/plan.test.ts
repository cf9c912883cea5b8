import { describe, expect, it } from '@jest/globals'
import {
  checkPlan,
  count,
  decide,
  problems,
  type PairFacts,
  type ProfileInfo
} from '../../../src/sync-profiles/plan.js'
import { ConfigurationError } from '../../../src/shared/errors.js'

const NOW = new Date('2025-06-01T00:00:00Z')
const inDays = (n: number) => new Date(NOW.getTime() + n * 86_400_000).toISOString()

function profile(over: Partial<ProfileInfo> = {}): ProfileInfo {
  return {
    id: 'P1',
    name: 'App Store com.example.app',
    uuid: 'UUID-1',
    profileType: 'IOS_APP_STORE',
    state: 'ACTIVE',
    expirationDate: inDays(200),
    certificateIds: ['C1'],
    deviceIds: [],
    content: 'AAAA',
    ...over
  }
}

function facts(over: Partial<PairFacts> = {}): PairFacts {
  return {
    bundleId: 'com.example.app',
    profileType: 'IOS_APP_STORE',
    profiles: [profile()],
    validCertificateIds: ['C1'],
    devices: [],
    now: NOW,
    renewWithinDays: 30,
    createMissing: true,
    ...over
  }
}

const dev = (over: Partial<ProfileInfo> = {}) =>
  profile({
    profileType: 'IOS_APP_DEVELOPMENT',
    certificateIds: ['D1'],
    deviceIds: ['d1', 'd2'],
    ...over
  })
const devFacts = (over: Partial<PairFacts> = {}) =>
  facts({
    profileType: 'IOS_APP_DEVELOPMENT',
    validCertificateIds: ['D1'],
    devices: [
      { id: 'd1', udid: 'u1', name: 'iPhone 1' },
      { id: 'd2', udid: 'u2', name: 'iPad 2' }
    ],
    ...over
  })

describe('decide (one bundle ID × profile type)', () => {
  const table: Array<[string, PairFacts, string, string | undefined]> = [
    ['a healthy profile is kept', facts(), 'keep', 'valid until'],
    [
      'an INVALID profile is replaced',
      facts({ profiles: [profile({ state: 'INVALID' })] }),
      'replace',
      'INVALID'
    ],
    [
      'an expired profile is replaced',
      facts({ profiles: [profile({ expirationDate: inDays(-1) })] }),
      'replace',
      'expired on 2025-05-31'
    ],
    [
      'one expiring within renew-within-days is replaced',
      facts({ profiles: [profile({ expirationDate: inDays(10) })] }),
      'replace',
      'expires on 2025-06-11 00:00 UTC, within 30 days'
    ],
    [
      'one expiring after renew-within-days is kept',
      facts({ profiles: [profile({ expirationDate: inDays(31) })] }),
      'keep',
      undefined
    ],
    [
      'renew-within-days 0 keeps one expiring tomorrow',
      facts({ renewWithinDays: 0, profiles: [profile({ expirationDate: inDays(1) })] }),
      'keep',
      undefined
    ],
    [
      'a profile whose certificate expired is replaced',
      facts({ validCertificateIds: ['C2'] }),
      'replace',
      'holds no valid Apple Distribution'
    ],
    [
      'a profile holding a valid certificate among expired ones is kept',
      facts({ profiles: [profile({ certificateIds: ['OLD', 'C1'] })] }),
      'keep',
      undefined
    ],
    [
      'a development profile with every enabled device is kept',
      devFacts({ profiles: [dev()] }),
      'keep',
      undefined
    ],
    [
      'a development profile lacking an enabled device is replaced',
      devFacts({ profiles: [dev({ deviceIds: ['d1'] })] }),
      'replace',
      'lacks 1 enabled device (iPad 2)'
    ],
    [
      'a device about to be registered makes a development profile lack it',
      devFacts({
        profiles: [dev()],
        devices: [
          { id: 'd1', udid: 'u1', name: 'a' },
          { id: 'd2', udid: 'u2', name: 'b' },
          { udid: 'u3', name: 'New iPhone' }
        ]
      }),
      'replace',
      'New iPhone'
    ],
    [
      'an ad hoc profile lacking a device is replaced',
      devFacts({
        profileType: 'IOS_APP_ADHOC',
        profiles: [dev({ profileType: 'IOS_APP_ADHOC', deviceIds: [] })]
      }),
      'replace',
      'lacks 2 enabled devices'
    ],
    [
      'devices do not matter to an App Store profile',
      facts({ devices: [{ id: 'd9', udid: 'u9', name: 'x' }] }),
      'keep',
      undefined
    ],
    ['a missing profile is created', facts({ profiles: [] }), 'create', 'no profile of this type'],
    [
      'a missing profile is skipped without create-missing',
      facts({ profiles: [], createMissing: false }),
      'skip',
      'create-missing is false'
    ]
  ]
  it.each(table)('%s', (_, f, action, reason) => {
    const [d] = decide(f)
    expect(d.action).toBe(action)
    if (reason) expect(d.reasons.join('; ')).toContain(reason)
  })

  it('a replacement keeps the old name and replaces the old profile', () => {
    const old = profile({ name: 'Shipping profile', expirationDate: inDays(3) })
    const [d] = decide(facts({ profiles: [old] }))
    expect(d).toMatchObject({ action: 'replace', name: 'Shipping profile', replaces: [old] })
  })

  it('a new profile is named after the bundle ID and type', () => {
    expect(decide(facts({ profiles: [] }))[0].name).toBe('com.example.app App Store')
    expect(decide(devFacts({ profiles: [], profileType: 'MAC_APP_DIRECT' }))[0].name).toBe(
      'com.example.app Developer ID'
    )
  })

  it('lists every reason a profile fails', () => {
    const p = profile({ state: 'INVALID', expirationDate: inDays(-2), certificateIds: [] })
    expect(problems(p, facts())).toEqual([
      'INVALID',
      'expired on 2025-05-30 00:00 UTC',
      'holds no valid Apple Distribution (or iOS Distribution) certificate'
    ])
  })

  it('keeps the best of same-named profiles and removes the stale ones (an interrupted replacement)', () => {
    const old = profile({ id: 'OLD', uuid: 'U-OLD', expirationDate: inDays(5) })
    const fresh = profile({ id: 'NEW', uuid: 'U-NEW', expirationDate: inDays(365) })
    const [d, ...rest] = decide(facts({ profiles: [old, fresh] }))
    expect(rest).toEqual([])
    expect(d).toMatchObject({ action: 'keep', profile: fresh, replaces: [old] })
  })

  it('decides each name on its own: one kept, another replaced', () => {
    const a = profile({ id: 'A', name: 'A', expirationDate: inDays(300) })
    const b = profile({ id: 'B', name: 'B', state: 'INVALID' })
    const ds = decide(facts({ profiles: [b, a] }))
    expect(ds.map((d) => [d.name, d.action])).toEqual([
      ['A', 'keep'],
      ['B', 'replace']
    ])
    expect(count(ds)).toEqual({ created: 0, renewed: 1, kept: 1 })
  })
})

describe('checkPlan (before any change)', () => {
  it('refuses to create without a valid certificate, naming the kind and how to create one', () => {
    const f = facts({ profiles: [], validCertificateIds: [] })
    const run = () => checkPlan(decide(f), () => f)
    expect(run).toThrow(ConfigurationError)
    expect(run).toThrow(
      /IOS_APP_STORE for com\.example\.app needs a valid Apple Distribution .*DISTRIBUTION or IOS_DISTRIBUTION.*Certificates > \+/
    )
  })
  it('names certificate-ids when they were given', () => {
    const f = facts({ profiles: [], validCertificateIds: [] })
    expect(() => checkPlan(decide(f), () => f, true)).toThrow(/certificate-ids/)
  })
  it('refuses a development profile without any device', () => {
    const f = devFacts({ profiles: [], devices: [] })
    expect(() => checkPlan(decide(f), () => f)).toThrow(/at least one enabled .*devices-file/)
  })
  it('lets a kept profile through', () => {
    const f = facts()
    expect(() => checkPlan(decide(f), () => f)).not.toThrow()
  })
})
