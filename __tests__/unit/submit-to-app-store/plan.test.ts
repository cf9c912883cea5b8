import { describe, expect, it } from '@jest/globals'
import type { StoreBuild, StoreVersion } from '../../../src/shared/asc/app-store-versions.js'
import { ConfigurationError } from '../../../src/shared/errors.js'
import { changeCount, decide, localizationChanges } from '../../../src/submit-to-app-store/plan.js'
import { PRIMARY_LOCALE } from '../../../src/submit-to-app-store/settings.js'

const build = (o: Partial<StoreBuild> = {}): StoreBuild => ({
  id: 'b42',
  buildNumber: '42',
  version: '2.0',
  processingState: 'VALID',
  expired: false,
  usesNonExemptEncryption: false,
  ...o
})
const version = (
  versionString: string,
  state: string,
  o: Partial<StoreVersion> = {}
): StoreVersion => ({
  id: `v${versionString}`,
  versionString,
  platform: 'IOS',
  state,
  releaseType: 'AFTER_APPROVAL',
  localizations: [{ id: `l${versionString}`, locale: 'en-US', attributes: {} }],
  ...o
})
const live = version('1.0', 'READY_FOR_DISTRIBUTION')
const wanted = {
  version: '2.0',
  buildNumber: '42',
  usesNonExemptEncryption: undefined,
  localized: {},
  releaseType: undefined,
  earliestReleaseDate: undefined,
  phasedRelease: undefined,
  reviewDetails: {},
  submit: true,
  replaceInReview: false
}
const listing = (...versions: StoreVersion[]) => ({ versions, primaryLocale: 'en-US' })
const refusal = (fn: () => unknown) => {
  try {
    fn()
  } catch (e) {
    if (e instanceof ConfigurationError) return e
    throw e
  }
  throw new Error('expected a ConfigurationError')
}

describe('submit-to-app-store plan', () => {
  it('creates a version when none is editable, with its build, and submits it', () => {
    const plan = decide(wanted, listing(live), [build()], [])
    expect(plan).toMatchObject({
      status: 'change',
      action: 'create',
      version: undefined,
      versionChanges: { versionString: '2.0' },
      attachBuild: { id: 'b42' },
      first: false,
      submission: { reuse: undefined, addItem: true }
    })
    expect(changeCount(plan)).toBe(4)
  })

  it('renames the one editable version, saying so', () => {
    const plan = decide(
      wanted,
      listing(live, version('1.9', 'PREPARE_FOR_SUBMISSION')),
      [build()],
      []
    )
    expect(plan.action).toBe('rename')
    expect(plan.version?.id).toBe('v1.9')
    expect(plan.versionChanges).toEqual({ versionString: '2.0' })
    expect(plan.notices[0]).toMatch(/1\.9 .* renamed to 2\.0/)
  })

  it('reuses the named version and changes only what differs', () => {
    const v = version('2.0', 'PREPARE_FOR_SUBMISSION', {
      build: build(),
      releaseType: 'MANUAL',
      localizations: [{ id: 'l1', locale: 'en-US', attributes: { whatsNew: 'Same' } }],
      reviewDetail: { id: 'd1', attributes: { notes: 'old' } }
    })
    const plan = decide(
      {
        ...wanted,
        releaseType: 'MANUAL',
        localized: { [PRIMARY_LOCALE]: { whatsNew: 'Same' }, 'de-DE': { whatsNew: 'Neu' } },
        reviewDetails: { notes: 'new' },
        phasedRelease: true
      },
      listing(live, v),
      [build()],
      [{ id: 's1', state: 'READY_FOR_REVIEW', versionId: v.id }]
    )
    expect(plan.action).toBe('reuse')
    expect(plan.versionChanges).toEqual({})
    expect(plan.attachBuild).toBeUndefined()
    expect(plan.localizations).toEqual([
      { locale: 'de-DE', id: undefined, attributes: { whatsNew: 'Neu' } }
    ])
    expect(plan.reviewDetail).toEqual({ id: 'd1', attributes: { notes: 'new' } })
    expect(plan.phased).toEqual({ create: true })
    expect(plan.submission).toEqual({
      reuse: { id: 's1', state: 'READY_FOR_REVIEW', versionId: v.id },
      addItem: false
    })
  })

  it('changes nothing for a version already in review or approved', () => {
    for (const [state, status] of [
      ['WAITING_FOR_REVIEW', 'in-review'],
      ['PENDING_DEVELOPER_RELEASE', 'approved']
    ]) {
      const plan = decide(wanted, listing(live, version('2.0', state)), [build()], [])
      expect(plan.status).toBe(status)
      expect(changeCount(plan)).toBe(0)
    }
  })

  it('refuses a live version, and another version in review unless replace-in-review', () => {
    expect(refusal(() => decide({ ...wanted, version: '1.0' }, listing(live), [], [])).input).toBe(
      'version'
    )
    const busy = version('1.9', 'WAITING_FOR_REVIEW')
    const submissions = [{ id: 's9', state: 'WAITING_FOR_REVIEW', versionId: busy.id }]
    expect(
      refusal(() => decide(wanted, listing(live, busy), [build()], submissions)).message
    ).toMatch(/1\.9 .* WAITING_FOR_REVIEW/)
    const plan = decide(
      { ...wanted, replaceInReview: true },
      listing(live, busy),
      [build()],
      submissions
    )
    expect(plan.cancel?.submission?.id).toBe('s9')
    expect(plan.action).toBe('rename')
  })

  it("skips What's New on the first version with a warning", () => {
    const plan = decide(
      { ...wanted, localized: { [PRIMARY_LOCALE]: { whatsNew: 'First', description: 'An app' } } },
      listing(),
      [build()],
      []
    )
    expect(plan.first).toBe(true)
    expect(plan.localizations).toEqual([
      { locale: 'en-US', id: undefined, attributes: { description: 'An app' } }
    ])
    expect(plan.warnings[0]).toMatch(/first version/)
  })

  it.each<[string, StoreBuild[], RegExp, string?]>([
    ['of another version', [build({ version: '1.9' })], /is of version 1\.9, not 2\.0/],
    ['expired', [build({ expired: true })], /is expired/],
    ['processing', [build({ processingState: 'PROCESSING' })], /is PROCESSING, not VALID/],
    ['missing', [], /there is no build 42/],
    [
      'unanswered',
      [build({ usesNonExemptEncryption: null })],
      /no export compliance answer/,
      'uses-non-exempt-encryption'
    ]
  ])('refuses a build that is %s', (_name, builds, message, input = 'build-number') => {
    const e = refusal(() => decide(wanted, listing(live), builds, []))
    expect(e.input).toBe(input)
    expect(e.message).toMatch(message)
  })

  it('answers export compliance when it is unanswered and given', () => {
    const plan = decide(
      { ...wanted, usesNonExemptEncryption: true },
      listing(live),
      [build({ usesNonExemptEncryption: null })],
      []
    )
    expect(plan.compliance).toEqual({ buildId: 'b42', usesNonExemptEncryption: true })
  })

  it('writes only the localization fields that differ', () => {
    const existing = [
      { id: 'l1', locale: 'en-GB', attributes: { keywords: 'a', description: 'b' } }
    ]
    expect(
      localizationChanges(
        { [PRIMARY_LOCALE]: { keywords: 'a', description: 'c' } },
        existing,
        'en-GB',
        false
      )
    ).toEqual({
      changes: [{ locale: 'en-GB', id: 'l1', attributes: { description: 'c' } }],
      skipped: []
    })
  })
})
