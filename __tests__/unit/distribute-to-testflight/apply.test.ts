import { describe, expect, it } from '@jest/globals'
import {
  applyCompliance,
  applyLocalization,
  applyLocalizations,
  applyNotification,
  applyPlan,
  applyPublicLink,
  applyReview,
  applyTesters,
  applyGroups,
  keeperOf
} from '../../../src/distribute-to-testflight/apply.js'
import type { BuildView } from '../../../src/distribute-to-testflight/builds.js'
import type { BetaGroupInfo } from '../../../src/distribute-to-testflight/groups.js'
import { planConfiguration, type Wanted } from '../../../src/distribute-to-testflight/plan.js'
import { ConflictError } from '../../../src/distribute-to-testflight/testflight-api.js'
import { AppleConflict, FakeTestFlightApi, validBuild } from '../../support/fake-testflight-api.js'

const APP = 'A1'
const external = (id: string, name: string, over: Partial<BetaGroupInfo> = {}): BetaGroupInfo => ({
  id,
  name,
  isInternal: false,
  ...over
})
const wanted = (over: Partial<Wanted> = {}): Wanted => ({
  whatToTest: {},
  groups: [],
  testers: [],
  submitForReview: false,
  notifyTesters: false,
  ...over
})
/** Plans `w` for `build` and returns what apply needs. */
function setup(w: Partial<Wanted>, build: BuildView = validBuild()) {
  const api = new FakeTestFlightApi()
  const plan = planConfiguration(build, wanted(w))
  return { api, plan, target: { appId: APP, build } }
}

describe('applyCompliance', () => {
  it('answers export compliance when the build has no answer', async () => {
    const { api, plan, target } = setup({ usesNonExemptEncryption: false })
    expect(await applyCompliance(api, target, plan)).toBe(true)
    expect(api.compliance.get('B1')).toBe(false)
  })

  it('sends nothing when the build already has an answer', async () => {
    const { api, plan, target } = setup(
      { usesNonExemptEncryption: true },
      validBuild({ usesNonExemptEncryption: false })
    )
    expect(await applyCompliance(api, target, plan)).toBe(false)
    expect(api.calls).toEqual([])
  })
})

describe('applyLocalization(s)', () => {
  it('creates a missing locale, updates a different one, leaves an equal one', async () => {
    const build = validBuild({
      localizations: [
        { id: 'L-de', locale: 'de-DE', whatsNew: 'alt' },
        { id: 'L-fr', locale: 'fr-FR', whatsNew: 'pareil' }
      ]
    })
    const { api, plan, target } = setup(
      { whatToTest: { 'en-US': 'new', 'de-DE': 'neu', 'fr-FR': 'pareil' } },
      build
    )
    api.localizations.set('L-de', { id: 'L-de', buildId: 'B1', locale: 'de-DE', whatsNew: 'alt' })
    const outcomes = await applyLocalizations(api, target, plan)
    expect(outcomes).toEqual([
      { locale: 'fr-FR', action: 'unchanged' },
      { locale: 'en-US', action: 'created' },
      { locale: 'de-DE', action: 'updated' }
    ])
    expect(api.localizations.get('L-de')?.whatsNew).toBe('neu')
    expect(api.changes()).toEqual(['createLocalization B1 en-US', 'updateLocalization L-de'])
  })

  it('updates a localization made meanwhile (Apple answers 409) instead of failing', async () => {
    const api = new FakeTestFlightApi()
    api.beforeCreateLocalization = (buildId, locale) =>
      api.localizations.set('L-other', { id: 'L-other', buildId, locale, whatsNew: 'theirs' })
    const outcome = await applyLocalization(
      api,
      { appId: APP, build: validBuild() },
      { locale: 'en-US', text: 'ours' }
    )
    expect(outcome).toEqual({ locale: 'en-US', action: 'updated' })
    expect(api.localizations.get('L-other')?.whatsNew).toBe('ours')
  })

  it('updates a recovered localization that holds other notes', async () => {
    const api = new FakeTestFlightApi()
    api.recoveredText = 'from another job'
    const outcome = await applyLocalization(
      api,
      { appId: APP, build: validBuild() },
      { locale: 'en-US', text: 'ours' }
    )
    expect(outcome).toEqual({ locale: 'en-US', action: 'updated' })
    expect([...api.localizations.values()].map((l) => l.whatsNew)).toEqual(['ours'])
  })

  it("rethrows Apple's error when the conflicting localization cannot be found", async () => {
    const api = new FakeTestFlightApi()
    api.beforeCreateLocalization = (buildId, locale) =>
      api.localizations.set('L-gone', { id: 'L-gone', buildId, locale })
    const original = api.findLocalization.bind(api)
    api.findLocalization = async (b, l) => {
      await original(b, l)
      return undefined
    }
    await expect(
      applyLocalization(api, { appId: APP, build: validBuild() }, { locale: 'en-US', text: 'ours' })
    ).rejects.toBeInstanceOf(AppleConflict)
  })
})

describe('applyGroups and applyTesters', () => {
  it('adds the build to every missing group, and to every missing tester, in one call each', async () => {
    const groups = [external('G1', 'QA'), external('G2', 'Beta'), external('G3', 'Old')]
    const testers = [
      { id: 'T1', email: 'a@example.com' },
      { id: 'T2', email: 'b@example.com' }
    ]
    const { api, plan, target } = setup(
      { groups, testers },
      validBuild({ groupIds: ['G3'], testerIds: ['T2'] })
    )
    await applyGroups(api, target, plan)
    await applyTesters(api, target, plan)
    expect(api.changes()).toEqual(['addBuildToGroups B1 G1,G2', 'addTestersToBuild B1 T1'])
  })

  it('sends nothing when the build has every group and tester', async () => {
    const { api, plan, target } = setup(
      { groups: [external('G1', 'QA')], testers: [{ id: 'T1', email: 'a@example.com' }] },
      validBuild({ groupIds: ['G1'], testerIds: ['T1'] })
    )
    await applyGroups(api, target, plan)
    await applyTesters(api, target, plan)
    expect(api.calls).toEqual([])
  })
})

describe('applyPublicLink', () => {
  it('creates a missing group with its link on and the build in it', async () => {
    const { api, plan, target } = setup({ publicLink: { name: 'Public', limit: 50 } })
    const r = await applyPublicLink(api, target, plan)
    expect(r).toEqual({
      group: 'Public',
      link: expect.stringMatching(/^https:\/\/testflight\.apple\.com\/join\//),
      note: "Created the external group 'Public' with a public link."
    })
    const made = api.groups.find((g) => g.name === 'Public')!
    expect(made).toMatchObject({ publicLinkEnabled: true, publicLinkLimit: 50 })
    expect(api.groupBuilds.get(made.id)).toEqual(new Set(['B1']))
  })

  it("turns on an existing group's link and sets its limit", async () => {
    const { api, plan, target } = setup({
      publicLink: { name: 'Public', group: external('G5', 'Public'), limit: 10 }
    })
    api.groups.push(external('G5', 'Public'))
    const r = await applyPublicLink(api, target, plan)
    expect(r).toEqual({ group: 'Public', link: 'https://testflight.apple.com/join/G5' })
    expect(api.groups[0]).toMatchObject({ publicLinkEnabled: true, publicLinkLimit: 10 })
  })

  it('changes nothing for a group whose link is on, and reads the link when it was not listed', async () => {
    const group = external('G5', 'Public', { publicLinkEnabled: true })
    const { api, plan, target } = setup({ publicLink: { name: 'Public', group } })
    api.groups.push({ ...group, publicLink: 'https://testflight.apple.com/join/abc' })
    const r = await applyPublicLink(api, target, plan)
    expect(r.link).toBe('https://testflight.apple.com/join/abc')
    expect(api.calls).toEqual(['publicLink G5'])
  })

  it('does nothing without a public link group', async () => {
    const { api, plan, target } = setup({})
    expect(await applyPublicLink(api, target, plan)).toEqual({})
    expect(api.calls).toEqual([])
  })
})

describe('applyReview', () => {
  it('submits the build and reports the new state', async () => {
    const { api, plan, target } = setup({ submitForReview: true })
    expect(await applyReview(api, target, plan)).toEqual({
      state: 'WAITING_FOR_REVIEW',
      submitted: true
    })
  })

  it('reports a submission made meanwhile (409) with a note, not as a failure', async () => {
    const { api, plan, target } = setup({ submitForReview: true })
    api.submissions.set('B1', { state: 'IN_REVIEW' })
    expect(await applyReview(api, target, plan)).toEqual({
      state: 'IN_REVIEW',
      submitted: false,
      note: 'Already submitted for beta review (IN_REVIEW); not submitted again.'
    })
  })

  it("rethrows Apple's error when the conflicting submission cannot be read", async () => {
    const { api, plan, target } = setup({ submitForReview: true })
    api.submitForReview = async () => {
      throw new ConflictError('beta-review', undefined, new AppleConflict('409'))
    }
    await expect(applyReview(api, target, plan)).rejects.toBeInstanceOf(AppleConflict)
  })

  it('sends nothing for a build already submitted, and keeps its state', async () => {
    const { api, plan, target } = setup(
      { submitForReview: true },
      validBuild({ reviewSubmission: { id: 'R1', state: 'APPROVED' } })
    )
    expect(await applyReview(api, target, plan)).toEqual({ state: 'APPROVED', submitted: false })
    expect(api.calls).toEqual([])
  })

  it('lets any other error through', async () => {
    const { api, plan, target } = setup({ submitForReview: true })
    api.submitForReview = async () => {
      throw new Error('500 from Apple')
    }
    await expect(applyReview(api, target, plan)).rejects.toThrow('500 from Apple')
  })
})

describe('applyNotification', () => {
  it('sends the notification', async () => {
    const { api, plan, target } = setup({ notifyTesters: true })
    expect(await applyNotification(api, target, plan)).toEqual({ notified: 'sent' })
    expect(api.notified).toEqual(new Set(['B1']))
  })

  it('sends nothing when Apple notifies by itself (auto-notify)', async () => {
    const { api, plan, target } = setup(
      { notifyTesters: true },
      validBuild({ autoNotifyEnabled: true })
    )
    expect(await applyNotification(api, target, plan)).toEqual({ notified: 'automatic' })
    expect(api.calls).toEqual([])
  })

  it("reports Apple's refusal (409) with its reason", async () => {
    const { api, plan, target } = setup({ notifyTesters: true })
    api.notified.add('B1')
    expect(await applyNotification(api, target, plan)).toEqual({
      notified: 'already',
      note: 'App Store Connect did not send a new notification: testers were notified an hour ago.'
    })
  })
})

describe('applyPlan', () => {
  const everything = (): Partial<Wanted> => ({
    usesNonExemptEncryption: false,
    whatToTest: { 'en-US': 'Try the login' },
    groups: [external('G1', 'QA')],
    testers: [{ id: 'T1', email: 'a@example.com' }],
    submitForReview: true,
    notifyTesters: true,
    publicLink: { name: 'Public' }
  })

  it('runs every step in order and reports them', async () => {
    const { api, plan, target } = setup(everything())
    const r = await applyPlan(api, target, plan)
    expect(api.changes()).toEqual([
      'setExportCompliance B1 false',
      'createLocalization B1 en-US',
      'addBuildToGroups B1 G1',
      'createPublicLinkGroup A1 B1 Public',
      'addTestersToBuild B1 T1',
      'submitForReview B1',
      'notifyTesters B1'
    ])
    expect(r).toMatchObject({
      complianceSet: true,
      localizations: [{ locale: 'en-US', action: 'created' }],
      groupsAdded: ['QA'],
      testersAdded: ['a@example.com'],
      reviewState: 'WAITING_FOR_REVIEW',
      reviewSubmitted: true,
      notified: 'sent',
      publicLinkGroup: 'Public',
      notes: ["Created the external group 'Public' with a public link."]
    })
  })

  it('changes nothing on a rerun against the configured build', async () => {
    const { api, plan, target } = setup(everything())
    await applyPlan(api, target, plan)
    const publicGroup = api.groups.find((g) => g.name === 'Public')!
    const after = validBuild({
      usesNonExemptEncryption: false,
      localizations: [...api.localizations.values()],
      groupIds: ['G1', publicGroup.id],
      testerIds: ['T1'],
      reviewSubmission: { id: 'R1', state: 'WAITING_FOR_REVIEW' },
      autoNotifyEnabled: true
    })
    const again = planConfiguration(
      after,
      wanted({ ...everything(), publicLink: { name: 'Public', group: publicGroup } })
    )
    api.calls = []
    const r = await applyPlan(api, { appId: APP, build: after }, again)
    expect(api.changes()).toEqual([])
    expect(r).toMatchObject({ groupsAlready: ['QA', 'Public'], testersAlready: ['a@example.com'] })
  })
})

describe('applyGroups: internal groups that get every build', () => {
  const allBuilds = (id: string, name: string): BetaGroupInfo => ({
    id,
    name,
    isInternal: true,
    allBuilds: true
  })

  it('plans no link for an internal group that has every build', async () => {
    const qa = allBuilds('G1', 'QA')
    const { api, plan, target } = setup({ groups: [qa, external('G2', 'External')] })
    expect(plan.groupsAllBuilds).toEqual([qa])
    const result = await applyPlan(api, target, plan)
    expect(api.changes()).toEqual(['addBuildToGroups B1 G2'])
    expect(result.groupsAdded).toEqual(['External'])
    expect(result.groupsAllBuilds).toEqual(['QA'])
  })

  it('after a refusal, gives each group on its own so one refusal loses no other', async () => {
    const api = new FakeTestFlightApi()
    // Read without hasAccessToAllBuilds (an older answer): Apple refuses the one POST.
    api.groups = [allBuilds('G1', 'QA'), external('G2', 'External'), external('G3', 'Friends')]
    const groups = api.groups.map((g) => ({ ...g, allBuilds: undefined }))
    const outcome = await applyGroups(
      api,
      { appId: APP, build: validBuild() },
      { addGroups: groups }
    )
    expect(outcome.added.map((g) => g.name)).toEqual(['External', 'Friends'])
    expect(outcome.allBuilds.map((g) => g.name)).toEqual(['QA'])
    expect(outcome.refused).toEqual([])
    expect(api.groupBuilds.get('G2')?.has('B1')).toBe(true)
    expect(api.groupBuilds.get('G3')?.has('B1')).toBe(true)
    expect(api.calls.filter((c) => c.startsWith('addBuildToGroups'))).toHaveLength(4)
  })
})

describe('applyPublicLink: two runs creating the same group', () => {
  it('keeps the oldest of two same-name groups and removes the one this run made', async () => {
    const { api, plan, target } = setup({ publicLink: { name: 'Friends' } })
    api.beforeCreateGroup = (name) => {
      api.addGroup({
        name,
        publicLinkEnabled: true,
        publicLink: 'https://testflight.apple.com/join/OTHER'
      })
    }
    const link = await applyPublicLink(api, target, plan)
    expect(api.groups.map((g) => g.name)).toEqual(['Friends'])
    expect(link.link).toBe('https://testflight.apple.com/join/OTHER')
    expect(api.groupBuilds.get(api.groups[0].id)?.has('B1')).toBe(true)
    expect(api.changes()).toEqual([
      'createPublicLinkGroup A1 B1 Friends',
      `deleteGroup G2`,
      'addBuildToGroups B1 G1'
    ])
  })

  it('reads after an "already exists" answer, enabling the link of the group found', async () => {
    const { api, plan, target } = setup({ publicLink: { name: 'Friends', limit: 5 } })
    api.uniqueGroupNames = true
    api.beforeCreateGroup = (name) => {
      if (!api.groups.length) api.addGroup({ name, publicLinkEnabled: false })
    }
    const link = await applyPublicLink(api, target, plan)
    expect(link.link).toBe('https://testflight.apple.com/join/G1')
    expect(api.groups).toHaveLength(1)
    expect(api.changes()).toEqual([
      'createPublicLinkGroup A1 B1 Friends',
      'addBuildToGroups B1 G1',
      'enablePublicLink G1'
    ])
  })

  it('keeps its own group when it is the only one, with one read to make sure', async () => {
    const { api, plan, target } = setup({ publicLink: { name: 'Friends' } })
    const link = await applyPublicLink(api, target, plan)
    expect(link.note).toMatch(/Created the external group 'Friends'/)
    expect(api.calls).toEqual(['createPublicLinkGroup A1 B1 Friends', 'groupsNamed A1 Friends'])
  })

  it('orders by createdDate, then by the lowest ID when dates are equal or missing', () => {
    const g = (id: string, createdDate?: string): BetaGroupInfo => ({
      ...external(id, 'x'),
      createdDate
    })
    expect(keeperOf([g('9', '2026-01-02T00:00:00Z'), g('5', '2026-01-03T00:00:00+0000')])?.id).toBe(
      '9'
    )
    expect(keeperOf([g('b', '2026-01-02T00:00:00Z'), g('a', '2026-01-02T00:00:00Z')])?.id).toBe('a')
    expect(keeperOf([g('b'), g('a')])?.id).toBe('a')
  })
})
