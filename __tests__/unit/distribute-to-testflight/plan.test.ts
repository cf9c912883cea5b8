import { describe, expect, it } from '@jest/globals'
import { sanitiseNotes, WHATS_NEW_LIMIT } from '../../../src/distribute-to-testflight/notes.js'
import {
  matchGroup,
  resolveGroups,
  type BetaGroupInfo
} from '../../../src/distribute-to-testflight/groups.js'
import {
  changingRequests,
  planConfiguration,
  planNotes,
  type Wanted
} from '../../../src/distribute-to-testflight/plan.js'
import type { BuildView } from '../../../src/distribute-to-testflight/builds.js'

describe('sanitiseNotes', () => {
  it('leaves ordinary notes alone', () => {
    expect(sanitiseNotes('Test the login.\nAnd emoji 🎉 and ümlauts.', 'en-US')).toEqual({
      text: 'Test the login.\nAnd emoji 🎉 and ümlauts.',
      changes: []
    })
  })

  it('normalises line ends and removes control characters with a note', () => {
    const r = sanitiseNotes('a\r\nb\u0007c\u0000', 'en-US')
    expect(r.text).toBe('a\nbc')
    expect(r.changes).toEqual(['What to Test (en-US): removed 2 control or invalid character(s).'])
  })

  it('replaces angle brackets with a note', () => {
    const r = sanitiseNotes('use <b>bold</b>', 'de-DE')
    expect(r.text).toBe('use ‹b›bold‹/b›')
    expect(r.changes[0]).toMatch(/de-DE.*replaced 4/)
  })

  it('cuts to 4,000 characters on a word boundary, counting characters not UTF-16 units', () => {
    const long = 'word '.repeat(1000) + '🎉'.repeat(10)
    const r = sanitiseNotes(long, 'en-US')
    expect(Array.from(r.text).length).toBeLessThanOrEqual(WHATS_NEW_LIMIT)
    expect(r.text.endsWith('word…')).toBe(true)
    expect(r.changes[0]).toMatch(/has 5010 characters; App Store Connect allows 4000/)
    const emoji = sanitiseNotes('🎉'.repeat(4001), 'en-US')
    expect(Array.from(emoji.text)).toHaveLength(4000)
  })
})

const groups: BetaGroupInfo[] = [
  { id: 'g1', name: 'QA', isInternal: true },
  { id: 'g2', name: 'External Testers', isInternal: false },
  { id: 'g3', name: 'qa team', isInternal: false },
  { id: 'g4', name: 'Twin', isInternal: false },
  { id: 'g5', name: 'twin', isInternal: false }
]

describe('group matching', () => {
  it.each([
    ['g2', 'g2'],
    ['QA', 'g1'],
    ['external testers', 'g2'],
    ['Twin', 'g4'],
    ['QA TEAM', 'g3']
  ])('%s -> %s', (wanted, id) => {
    expect(matchGroup(wanted, groups)?.id).toBe(id)
  })

  it('refuses a case-insensitive match that is not unique', () => {
    expect(() => matchGroup('TWIN', groups)).toThrow(/matches 'Twin' and 'twin' apart from case/)
  })

  it('lists every unknown group and the app’s groups in one error', () => {
    expect(() => resolveGroups(['QA', 'Nope', 'Externl Testers'], groups)).toThrow(
      /Input 'groups': no beta group 'Nope' \(nearest: .*\), 'Externl Testers' \(nearest: External Testers, .*\) in this app. Its groups are: 'QA', 'External Testers', 'qa team', 'Twin', 'twin'. Nothing was changed/
    )
  })

  it('keeps one of each group', () => {
    expect(resolveGroups(['QA', 'g1', 'qa'], groups).map((g) => g.id)).toEqual(['g1'])
  })
})

const build = (over: Partial<BuildView> = {}): BuildView => ({
  id: 'b1',
  buildNumber: '42',
  version: '1.0',
  processingState: 'VALID',
  usesNonExemptEncryption: null,
  localizations: [{ id: 'l1', locale: 'en-US', whatsNew: 'old' }],
  groupIds: ['g1'],
  testerIds: ['t1'],
  uploadErrors: [],
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

describe('planConfiguration', () => {
  it('plans nothing when nothing is asked', () => {
    const plan = planConfiguration(build(), wanted())
    expect(changingRequests(plan)).toBe(0)
  })

  it('answers export compliance only when the build has no answer', () => {
    expect(planConfiguration(build(), wanted({ usesNonExemptEncryption: false })).compliance).toBe(
      false
    )
    const answered = planConfiguration(
      build({ usesNonExemptEncryption: true }),
      wanted({ usesNonExemptEncryption: false })
    )
    expect(answered.compliance).toBeUndefined()
    expect(answered.warnings[0]).toMatch(/already answers export compliance/)
    expect(
      planConfiguration(
        build({ usesNonExemptEncryption: false }),
        wanted({ usesNonExemptEncryption: false })
      ).warnings
    ).toEqual([])
  })

  it('updates existing localizations, creates missing ones, skips identical ones', () => {
    const plan = planConfiguration(
      build({
        localizations: [
          { id: 'l1', locale: 'en-US', whatsNew: 'old' },
          { id: 'l2', locale: 'de-DE', whatsNew: 'gleich' }
        ]
      }),
      wanted({ whatToTest: { 'en-us': 'new', 'de-DE': 'gleich', 'fr-FR': 'neuf' } })
    )
    expect(plan.localizations).toEqual([
      { locale: 'en-US', text: 'new', id: 'l1' },
      { locale: 'fr-FR', text: 'neuf', id: undefined }
    ])
    expect(plan.unchangedLocales).toEqual(['de-DE'])
  })

  it('adds only groups and testers the build lacks', () => {
    const plan = planConfiguration(
      build(),
      wanted({
        groups: [groups[0], groups[1]],
        testers: [
          { id: 't1', email: 'a@x.io' },
          { id: 't2', email: 'b@x.io' }
        ]
      })
    )
    expect(plan.addGroups.map((g) => g.id)).toEqual(['g2'])
    expect(plan.groupsAlready.map((g) => g.id)).toEqual(['g1'])
    expect(plan.addTesters.map((t) => t.id)).toEqual(['t2'])
    expect(changingRequests(plan)).toBe(2)
  })

  it('reports an existing review submission instead of submitting again', () => {
    expect(planConfiguration(build(), wanted({ submitForReview: true })).review).toBe('submit')
    const again = planConfiguration(
      build({ reviewSubmission: { id: 'r1', state: 'WAITING_FOR_REVIEW' } }),
      wanted({ submitForReview: true })
    )
    expect(again.review).toBe('existing')
    expect(again.notes[0]).toMatch(/Already submitted for beta review \(WAITING_FOR_REVIEW\)/)
  })

  it('does not notify when auto-notify is on', () => {
    expect(
      planConfiguration(build({ autoNotifyEnabled: true }), wanted({ notifyTesters: true })).notify
    ).toBe('auto')
    expect(
      planConfiguration(build({ autoNotifyEnabled: false }), wanted({ notifyTesters: true })).notify
    ).toBe('send')
  })

  it('creates a missing public link group, enables a disabled link, leaves a right one', () => {
    expect(
      planConfiguration(build(), wanted({ publicLink: { name: 'Public', limit: 100 } })).publicLink
    ).toEqual({ action: 'create', name: 'Public', limit: 100 })
    const off: BetaGroupInfo = {
      id: 'p',
      name: 'Public',
      isInternal: false,
      publicLinkEnabled: false
    }
    const plan = planConfiguration(build(), wanted({ publicLink: { name: 'Public', group: off } }))
    expect(plan.publicLink).toMatchObject({ action: 'update' })
    expect(plan.addGroups.map((g) => g.id)).toEqual(['p'])
    const on: BetaGroupInfo = {
      ...off,
      publicLinkEnabled: true,
      publicLinkLimitEnabled: true,
      publicLinkLimit: 100
    }
    expect(
      planConfiguration(
        build({ groupIds: ['p'] }),
        wanted({ publicLink: { name: 'Public', group: on, limit: 100 } })
      )
    ).toMatchObject({
      publicLink: { action: 'none' },
      addGroups: []
    })
    expect(
      planConfiguration(build(), wanted({ publicLink: { name: 'Public', group: on, limit: 50 } }))
        .publicLink
    ).toMatchObject({ action: 'update', limit: 50 })
  })
})

describe('planConfiguration: internal groups that get every build', () => {
  const build = (over: Partial<BuildView> = {}): BuildView => ({
    id: 'B1',
    buildNumber: '1',
    processingState: 'VALID',
    localizations: [],
    groupIds: [],
    testerIds: [],
    uploadErrors: [],
    ...over
  })
  const group = (id: string, over: Partial<BetaGroupInfo> = {}): BetaGroupInfo => ({
    id,
    name: id,
    isInternal: false,
    ...over
  })
  const wanted = (groups: BetaGroupInfo[]): Wanted => ({
    whatToTest: {},
    groups,
    testers: [],
    submitForReview: false,
    notifyTesters: false
  })

  it('links nothing to them and counts no request for them', () => {
    const qa = group('QA', { isInternal: true, allBuilds: true })
    const plan = planConfiguration(build(), wanted([qa, group('Ext')]))
    expect(plan.groupsAllBuilds).toEqual([qa])
    expect(plan.addGroups.map((g) => g.id)).toEqual(['Ext'])
    expect(changingRequests(plan)).toBe(1)
    expect(changingRequests(planConfiguration(build(), wanted([qa])))).toBe(0)
  })

  it('treats one already linked as already there, and an internal group without all builds as any group', () => {
    const qa = group('QA', { isInternal: true, allBuilds: true })
    const team = group('Team', { isInternal: true, allBuilds: false })
    const plan = planConfiguration(build({ groupIds: ['QA'] }), wanted([qa, team]))
    expect(plan.groupsAllBuilds).toEqual([])
    expect(plan.groupsAlready).toEqual([qa])
    expect(plan.addGroups).toEqual([team])
  })
})

describe('planNotes', () => {
  it('plans What to Test on its own, for a build in any state', () => {
    const notes = planNotes(
      {
        id: 'B1',
        buildNumber: '1',
        processingState: 'PROCESSING',
        localizations: [{ id: 'L1', locale: 'en-US', whatsNew: 'same' }],
        groupIds: [],
        testerIds: [],
        uploadErrors: []
      },
      { 'en-US': 'same', 'de-DE': 'neu' }
    )
    expect(notes).toEqual({
      localizations: [{ locale: 'de-DE', text: 'neu', id: undefined }],
      unchangedLocales: ['en-US'],
      warnings: []
    })
  })
})
