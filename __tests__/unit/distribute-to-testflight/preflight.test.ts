import { describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '../../../src/shared/errors.js'
import {
  preflight,
  type DistributionRequest
} from '../../../src/distribute-to-testflight/preflight.js'
import { FakeTestFlightApi } from '../../support/fake-testflight-api.js'

const request = (over: Partial<DistributionRequest> = {}): DistributionRequest => ({
  whatToTest: {},
  groups: [],
  testers: [],
  submitForReview: false,
  notifyTesters: false,
  ...over
})

function api() {
  const a = new FakeTestFlightApi()
  a.groups = [
    { id: 'G1', name: 'QA', isInternal: true },
    { id: 'G2', name: 'Beta', isInternal: false, publicLinkEnabled: true }
  ]
  a.testerList = [
    { id: 'T1', email: 'Ann@Example.com' },
    { id: 'T2', email: 'bob@example.com' }
  ]
  return a
}

async function refusal(p: Promise<unknown>): Promise<ConfigurationError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x
  )
  if (!(e instanceof ConfigurationError)) throw new Error(`expected a ConfigurationError: ${e}`)
  return e
}

describe('preflight', () => {
  it('reads nothing when no group, link or tester is asked for', async () => {
    const a = api()
    const w = await preflight(a, 'A1', request({ usesNonExemptEncryption: true }))
    expect(a.calls).toEqual([])
    expect(w).toEqual({
      usesNonExemptEncryption: true,
      whatToTest: {},
      groups: [],
      testers: [],
      submitForReview: false,
      notifyTesters: false,
      publicLink: undefined
    })
  })

  it('resolves groups by name or ID and testers by e-mail in one read each', async () => {
    const a = api()
    const w = await preflight(
      a,
      'A1',
      request({ groups: ['qa', 'G2'], testers: ['ann@example.com'] })
    )
    expect(w.groups.map((g) => g.id)).toEqual(['G1', 'G2'])
    expect(w.testers).toEqual([{ id: 'T1', email: 'ann@example.com' }])
    expect(a.calls).toEqual(['betaGroups A1', 'testers A1 ann@example.com'])
  })

  it('refuses an unknown group, naming the input and the nearest group', async () => {
    const e = await refusal(preflight(api(), 'A1', request({ groups: ['Betta'] })))
    expect(e.input).toBe('groups')
    expect(e.message).toMatch(/no beta group 'Betta' \(nearest: Beta/)
  })

  it('refuses testers that are not testers of the app, before anything else', async () => {
    const a = api()
    const e = await refusal(
      preflight(a, 'A1', request({ testers: ['bob@example.com', 'eve@example.com'] }))
    )
    expect(e.input).toBe('testers')
    expect(e.message).toMatch(/'eve@example\.com' is not a tester of this app/)
    expect(a.changes()).toEqual([])
  })

  it('finds an existing public link group, or leaves it to be created', async () => {
    const found = await preflight(
      api(),
      'A1',
      request({ publicLinkGroup: 'beta', publicLinkLimit: 20 })
    )
    expect(found.publicLink).toMatchObject({ name: 'beta', group: { id: 'G2' }, limit: 20 })
    const missing = await preflight(api(), 'A1', request({ publicLinkGroup: 'Public' }))
    expect(missing.publicLink).toEqual({ name: 'Public', group: undefined, limit: undefined })
  })

  it('refuses an internal group as the public link group', async () => {
    const e = await refusal(preflight(api(), 'A1', request({ publicLinkGroup: 'QA' })))
    expect(e.input).toBe('public-link-group')
    expect(e.message).toMatch(/'QA' is an internal group/)
  })

  it('blames public-link-group, not groups, for an ambiguous public link group name', async () => {
    const a = api()
    a.groups.push({ id: 'G3', name: 'BETA', isInternal: false })
    a.groups.push({ id: 'G4', name: 'beta', isInternal: false })
    // 'bEtA' matches three groups apart from case.
    const loose = await refusal(preflight(a, 'A1', request({ publicLinkGroup: 'bEtA' })))
    expect(loose.input).toBe('public-link-group')
    expect(loose.message).toMatch(
      /^Input 'public-link-group': 'bEtA' matches 'Beta' and 'BETA' and 'beta'/
    )
  })
})
