import { describe, expect, it } from '@jest/globals'
import {
  compareVersions,
  decide,
  inReview,
  newestFirst,
  type BuildInfo,
  type Criteria
} from '../../../src/expire-builds/plan.js'

const DAY = 86_400_000
const NOW = Date.parse('2025-06-01T00:00:00Z')

/** A valid iOS build uploaded `age` days before NOW. */
function build(id: string, age: number, over: Partial<BuildInfo> = {}): BuildInfo {
  return {
    id,
    buildNumber: id.replace(/\D/g, '') || '1',
    version: '1.0',
    platform: 'IOS',
    uploadedDate: new Date(NOW - age * DAY).toISOString(),
    processingState: 'VALID',
    expired: false,
    ...over
  }
}

function criteria(over: Partial<Criteria> = {}): Criteria {
  return { keepBuildIds: [], includeInReview: false, now: NOW, ...over }
}

const ids = (bs: BuildInfo[]) => bs.map((b) => b.id)

describe('decide', () => {
  const history = [
    build('b1', 50),
    build('b2', 40),
    build('b3', 30),
    build('b4', 20),
    build('b5', 10),
    build('m1', 45, { platform: 'MAC_OS' }),
    build('m2', 5, { platform: 'MAC_OS' })
  ]

  it.each<[string, Partial<Criteria>, string[]]>([
    [
      'older-than alone expires everything older',
      { olderThanMs: 25 * DAY },
      ['b3', 'b2', 'm1', 'b1']
    ],
    ['keep-latest alone keeps N per platform', { keepLatest: 2 }, ['b3', 'b2', 'b1']],
    [
      'keep-latest 1 keeps the newest of each platform',
      { keepLatest: 1 },
      ['b4', 'b3', 'b2', 'm1', 'b1']
    ],
    ['keep-latest 0 keeps none', { keepLatest: 0 }, ['m2', 'b5', 'b4', 'b3', 'b2', 'm1', 'b1']],
    [
      'both: beyond the newest N and older than',
      { keepLatest: 1, olderThanMs: 35 * DAY },
      ['b2', 'm1', 'b1']
    ],
    ['platform filter', { keepLatest: 1, platform: 'MAC_OS' }, ['m1']],
    ['version filter', { olderThanMs: 0, version: '2.0' }, []],
    ['keep-build-ids protect', { olderThanMs: 25 * DAY, keepBuildIds: ['b1', 'm1'] }, ['b3', 'b2']],
    ['keep-latest larger than the history', { keepLatest: 10 }, []]
  ])('%s', (_name, over, expected) => {
    expect(ids(decide(history, criteria(over)).expire)).toEqual(expected)
  })

  it('refuses to decide without a criterion', () => {
    expect(() => decide(history, criteria())).toThrow(/criterion/)
  })

  it('never expires an expired, processing or unknown-state build, and says why it kept each', () => {
    const builds = [
      build('old-expired', 90, { expired: true }),
      build('processing', 90, { processingState: 'PROCESSING' }),
      build('unknown', 90, { processingState: undefined }),
      build('failed', 90, { processingState: 'FAILED' }),
      build('invalid', 90, { processingState: 'INVALID' }),
      build('fresh', 1)
    ]
    const plan = decide(builds, criteria({ olderThanMs: 30 * DAY }))
    expect(ids(plan.expire).sort()).toEqual(['failed', 'invalid'])
    expect(plan.keep.map((k) => [k.build.id, k.reason]).sort()).toEqual([
      ['fresh', 'recent'],
      ['processing', 'processing'],
      ['unknown', 'processing']
    ])
    expect(plan.keptBy).toEqual({ processing: 2, listed: 0, 'in-review': 0, latest: 0, recent: 1 })
  })

  it('keeps builds in beta review unless include-in-review', () => {
    const builds = [
      build('waiting', 90, { betaReviewState: 'WAITING_FOR_REVIEW' }),
      build('reviewing', 90, { betaReviewState: 'IN_REVIEW' }),
      build('external', 90, { externalBuildState: 'WAITING_FOR_BETA_REVIEW' }),
      build('approved', 90, { betaReviewState: 'APPROVED' }),
      build('rejected', 90, { betaReviewState: 'REJECTED' })
    ]
    expect(ids(decide(builds, criteria({ olderThanMs: DAY })).expire).sort()).toEqual([
      'approved',
      'rejected'
    ])
    expect(
      ids(decide(builds, criteria({ olderThanMs: DAY, includeInReview: true })).expire)
    ).toHaveLength(5)
  })

  it('counts only valid builds towards keep-latest, in-review ones included', () => {
    const builds = [
      build('processing', 1, { processingState: 'PROCESSING' }),
      build('failed', 2, { processingState: 'FAILED' }),
      build('review', 3, { betaReviewState: 'IN_REVIEW' }),
      build('valid', 4),
      build('older', 5)
    ]
    const plan = decide(builds, criteria({ keepLatest: 2 }))
    expect(ids(plan.expire)).toEqual(['failed', 'older'])
    expect(plan.keep.map((k) => [k.build.id, k.reason])).toEqual([
      ['processing', 'processing'],
      ['review', 'in-review'],
      ['valid', 'latest']
    ])
  })

  it('keeps builds without an upload date when older-than is set', () => {
    const plan = decide(
      [build('undated', 0, { uploadedDate: undefined })],
      criteria({ olderThanMs: DAY })
    )
    expect(plan.expire).toEqual([])
    expect(plan.keep[0].reason).toBe('recent')
  })

  it('breaks upload-date ties by version, then build number', () => {
    const same = new Date(NOW - 10 * DAY).toISOString()
    const builds = [
      build('a', 0, { uploadedDate: same, version: '1.9', buildNumber: '100' }),
      build('b', 0, { uploadedDate: same, version: '1.10', buildNumber: '2' }),
      build('c', 0, { uploadedDate: same, version: '1.10', buildNumber: '10' })
    ]
    expect(ids(decide(builds, criteria({ keepLatest: 1 })).expire)).toEqual(['b', 'a'])
  })
})

describe('helpers', () => {
  it.each([
    ['1.10', '1.9', 1],
    ['1.0', '1.0.0', -1],
    ['2', '10', -1],
    ['1.0b', '1.0a', 1],
    ['3.1', '3.1', 0]
  ])('compareVersions(%s, %s) has the sign of %d', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign)
  })

  it('sorts newest first', () => {
    expect(ids([build('x', 3), build('y', 1), build('z', 2)].sort(newestFirst))).toEqual([
      'y',
      'z',
      'x'
    ])
  })

  it('reads beta review from either source', () => {
    expect(inReview(build('x', 1, { betaReviewState: 'IN_REVIEW' }))).toBe(true)
    expect(inReview(build('x', 1, { externalBuildState: 'IN_BETA_REVIEW' }))).toBe(true)
    expect(inReview(build('x', 1, { externalBuildState: 'IN_BETA_TESTING' }))).toBe(false)
  })
})
