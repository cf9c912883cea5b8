import { afterEach, describe, expect, it } from '@jest/globals'
import { startFakeAsc, type FakeAsc } from '../../tools/fake-asc/index.js'
import {
  connectionInputs,
  expectNoSecrets,
  runBundle,
  type ActionRun
} from '../../tools/e2e-harness.js'
import {
  seedHistory,
  type SeededBuild,
  type SeededHistory
} from '../../tools/seeds/expire-builds.js'
import { formatDate } from '../../src/shared/dates.js'

const DAY = 86_400_000
let fake: FakeAsc | undefined

afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function seeded(count = 400): Promise<{ fake: FakeAsc; history: SeededHistory }> {
  fake = await startFakeAsc()
  return { fake, history: seedHistory(fake.store, { count }) }
}

const auth = (f: FakeAsc) => connectionInputs(f)

async function expireBuilds(f: FakeAsc, inputs: Record<string, string>): Promise<ActionRun> {
  const run = await runBundle('expire-builds', { ...auth(f), ...inputs })
  expectNoSecrets(run, f.keys.team.privateKey)
  return run
}

/** Build IDs expired in the fake right now. */
function expiredNow(f: FakeAsc): Set<string> {
  return new Set(f.store.list('builds', (b) => b.attributes.expired === true).map((b) => b.id))
}

interface Criteria {
  platform?: 'IOS' | 'MAC_OS'
  version?: string
  olderThanDays?: number
  keepLatest?: number
  keepIds?: string[]
  includeInReview?: boolean
}

/**
 * What the README promises, computed straight from the seeded history (not with the action's
 * code): among the unexpired builds of the platform and version, keep the processing ones, the
 * listed ones, those in beta review, the keepLatest newest valid ones of each platform, and those
 * uploaded within olderThanDays; the rest is expired.
 */
function expectedExpiry(builds: SeededBuild[], c: Criteria, now = Date.now()): string[] {
  const candidates = builds.filter(
    (b) =>
      !b.expired &&
      (!c.platform || b.platform === c.platform) &&
      (!c.version || b.version === c.version)
  )
  const newest = new Set<string>()
  if (c.keepLatest !== undefined)
    for (const platform of ['IOS', 'MAC_OS'])
      candidates
        .filter((b) => b.platform === platform && b.processingState === 'VALID')
        .sort((a, b) => b.uploadedMs - a.uploadedMs)
        .slice(0, c.keepLatest)
        .forEach((b) => newest.add(b.id))
  return candidates
    .filter((b) => b.processingState !== 'PROCESSING')
    .filter((b) => !(c.keepIds ?? []).includes(b.id))
    .filter(
      (b) =>
        c.includeInReview ||
        !(b.betaReviewState === 'WAITING_FOR_REVIEW' || b.betaReviewState === 'IN_REVIEW')
    )
    .filter((b) => !newest.has(b.id))
    .filter((b) => c.olderThanDays === undefined || b.uploadedMs < now - c.olderThanDays * DAY)
    .map((b) => b.id)
    .sort()
}

const sorted = (ids: Iterable<string>) => [...ids].sort()

describe('expire-builds, run as a runner runs it', () => {
  it('expires exactly the builds the criteria name, with one listing and one PATCH per build', async () => {
    const { fake, history } = await seeded()
    const before = expiredNow(fake)
    const expected = expectedExpiry(history.builds, { olderThanDays: 20, keepLatest: 5 })
    expect(expected.length).toBeGreaterThan(50)

    const run = await expireBuilds(fake, {
      'bundle-id': 'com.example.hygiene',
      'older-than': '20d',
      'keep-latest': '5'
    })

    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(sorted(JSON.parse(run.outputs['expired-build-ids']))).toEqual(expected)
    expect(run.outputs['expired-count']).toBe(String(expected.length))
    const after = expiredNow(fake)
    expect(sorted(after)).toEqual(sorted([...before, ...expected]))
    for (const id of history.otherBuilds) expect(after.has(id)).toBe(false)

    const unexpired = history.builds.filter((b) => !b.expired)
    expect(Number(run.outputs['kept-count'])).toBe(unexpired.length - expected.length)
    const api = fake.requests.filter((r) => r.api)
    const lists = api.filter((r) => r.method === 'GET' && r.path === '/v1/builds')
    expect(lists).toHaveLength(Math.ceil(unexpired.length / 200))
    expect(lists[0].query).toMatchObject({
      'filter[expired]': 'false',
      limit: '200',
      'filter[app]': history.app.id
    })
    expect(api.filter((r) => r.method === 'PATCH')).toHaveLength(expected.length)
    expect(api).toHaveLength(1 + lists.length + expected.length)

    const plan = JSON.parse(run.outputs.plan)
    expect(plan.dryRun).toBe(false)
    expect(plan.keptBy.processing).toBe(
      history.builds.filter((b) => !b.expired && b.processingState === 'PROCESSING').length
    )
    expect(run.summary).toContain('Builds expired')
    const one = history.builds.find((b) => b.id === expected[0])!
    expect(run.summary).toContain(
      `| ${one.version} | ${one.buildNumber} | ${one.platform === 'IOS' ? 'iOS' : 'macOS'} | ${formatDate(one.uploadedMs)} |`
    )
    expect(run.summary).toMatch(/\| waiting for or in beta review \| \d+ \|/)
    expect(fake.violations).toEqual([])

    // Again: nothing left to do, the same end state, no error.
    fake.clearLog()
    const again = await expireBuilds(fake, {
      'bundle-id': 'com.example.hygiene',
      'older-than': '20d',
      'keep-latest': '5'
    })
    expect(again.code).toBe(0)
    expect(again.outputs['expired-count']).toBe('0')
    expect(fake.changingRequests()).toEqual([])
    expect(sorted(expiredNow(fake))).toEqual(sorted(after))
  })

  it('dry-run reports the same list and changes nothing', async () => {
    const { fake, history } = await seeded()
    const before = sorted(expiredNow(fake))
    const expected = expectedExpiry(history.builds, { keepLatest: 3 })
    const run = await expireBuilds(fake, {
      'app-id': history.app.id,
      'keep-latest': '3',
      'dry-run': 'true'
    })
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(sorted(JSON.parse(run.outputs['expired-build-ids']))).toEqual(expected)
    expect(JSON.parse(run.outputs.plan).dryRun).toBe(true)
    expect(run.summary).toMatch(/^## Expire builds\n\n✅ Dry run: \d+ build\(s\) would be expired/)
    expect(run.stdout).toContain('Would expire:')
    expect(fake.changingRequests()).toEqual([])
    expect(sorted(expiredNow(fake))).toEqual(before)
    expect(fake.violations).toEqual([])
  })

  it.each<[string, Record<string, string>, Criteria]>([
    [
      'one platform',
      { platform: 'macos', 'keep-latest': '2' },
      { platform: 'MAC_OS', keepLatest: 2 }
    ],
    [
      'one version (1.1, not 1.10)',
      { version: '1.1', 'older-than': '1d' },
      { version: '1.1', olderThanDays: 1 }
    ],
    [
      'builds in review too',
      { 'include-in-review': 'true', 'older-than': '10d' },
      { includeInReview: true, olderThanDays: 10 }
    ],
    [
      'listed builds kept',
      { 'keep-latest': '1', 'keep-build-ids': 'LISTED' },
      { keepLatest: 1, keepIds: ['LISTED'] }
    ]
  ])('%s', async (_name, inputs, criteria) => {
    const { fake, history } = await seeded(250)
    const keep = history.builds
      .filter((b) => !b.expired && b.processingState === 'VALID')
      .slice(0, 3)
      .map((b) => b.id)
    const values = { ...inputs }
    if (values['keep-build-ids'])
      values['keep-build-ids'] = `${keep.join(',')}\n${history.builds.find((b) => b.expired)!.id}`
    const c = { ...criteria, keepIds: criteria.keepIds ? keep : undefined }
    const before = expiredNow(fake)
    const expected = expectedExpiry(history.builds, c)
    expect(expected.length).toBeGreaterThan(5)
    const run = await expireBuilds(fake, { 'bundle-id': 'com.example.hygiene', ...values })
    expect(run.errors).toEqual([])
    expect(sorted(JSON.parse(run.outputs['expired-build-ids']))).toEqual(expected)
    expect(sorted(expiredNow(fake))).toEqual(sorted([...before, ...expected]))
    expect(fake.violations).toEqual([])
  })

  it('ends in the same state through 429, 503, a lost answer and an empty page that links onwards', async () => {
    const inputs = { 'bundle-id': 'com.example.hygiene', 'older-than': '15d', 'keep-latest': '4' }
    const clean = await seeded(300)
    const expected = expectedExpiry(clean.history.builds, { olderThanDays: 15, keepLatest: 4 })
    const reference = await expireBuilds(clean.fake, inputs)
    expect(reference.code).toBe(0)
    const cleanState = sorted(expiredNow(clean.fake))
    await clean.fake.close()

    const { fake, history } = await seeded(300)
    expect(history.builds.map((b) => b.id)).toEqual(clean.history.builds.map((b) => b.id))
    fake.faults.add({ method: 'GET', path: '/v1/builds', kind: 'emptyPageWithNext' })
    fake.faults.add({ method: 'GET', path: '/v1/builds', kind: 'status', status: 503 })
    fake.faults.add({
      method: 'PATCH',
      path: '/v1/builds/{id}',
      kind: 'status',
      status: 429,
      retryAfter: 1
    })
    fake.faults.add({
      method: 'PATCH',
      path: '/v1/builds/{id}',
      kind: 'status',
      status: 503,
      times: 2
    })
    fake.faults.add({ method: 'PATCH', path: '/v1/builds/{id}', kind: 'drop' })
    const run = await expireBuilds(fake, inputs)
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(fake.faults.pending()).toEqual([])
    expect(sorted(expiredNow(fake))).toEqual(cleanState)
    expect(sorted(JSON.parse(run.outputs['expired-build-ids']))).toEqual(expected)
    expect(fake.violations).toEqual([])
  })

  it('refuses to run without older-than or keep-latest, before any request', async () => {
    const { fake, history } = await seeded(20)
    const run = await expireBuilds(fake, { 'app-id': history.app.id })
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(/older-than/)
    expect(run.errors[0]).toMatch(/keep-latest/)
    expect(fake.requests).toEqual([])
  })

  it.each([
    ['platform', { platform: 'android', 'keep-latest': '1' }],
    ['older-than', { 'older-than': 'last month' }],
    ['keep-latest', { 'keep-latest': '-2' }],
    ['keep-latest', { 'keep-latest': 'five' }],
    ['include-in-review', { 'include-in-review': 'sometimes', 'keep-latest': '1' }]
  ])('refuses a bad %s with one error naming it, before any request', async (input, values) => {
    const { fake, history } = await seeded(20)
    const run = await expireBuilds(fake, { 'app-id': history.app.id, ...values })
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain(`'${input}'`)
    expect(fake.requests).toEqual([])
  })

  it.each([
    ['bundle-id', { 'bundle-id': 'com.example.hygeine' }, /com\.example\.hygeine/],
    ['app-id', { 'app-id': '999999' }, /999999/],
    [
      'keep-build-ids',
      { 'bundle-id': 'com.example.hygiene', 'keep-build-ids': 'NO-SUCH-BUILD' },
      /NO-SUCH-BUILD/
    ]
  ])('refuses an unknown %s with one error, changing nothing', async (input, values, detail) => {
    const { fake } = await seeded(60)
    const before = sorted(expiredNow(fake))
    const run = await expireBuilds(fake, { 'keep-latest': '1', ...values })
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain(`'${input}'`)
    expect(run.errors[0]).toMatch(detail)
    expect(fake.changingRequests()).toEqual([])
    expect(sorted(expiredNow(fake))).toEqual(before)
    expect(fake.violations).toEqual([])
  })

  it('refuses an app-id and a bundle-id that disagree, changing nothing', async () => {
    const { fake, history } = await seeded(30)
    const run = await expireBuilds(fake, {
      'app-id': history.otherApp.id,
      'bundle-id': 'com.example.hygiene',
      'keep-latest': '0'
    })
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain("'bundle-id'")
    expect(run.errors[0]).toContain('com.example.hygiene.other')
    expect(fake.changingRequests()).toEqual([])
    expect(fake.violations).toEqual([])
  })

  it('reads +0000 offsets (no colon) to the same instant: the right builds expired', async () => {
    const { fake, history } = await seeded(120)
    const expected = expectedExpiry(history.builds, { olderThanDays: 30 })
    // Apple's provisioning form: a -0700 offset without a colon, the same instant.
    const noColon = (ms: number) =>
      `${new Date(ms - 7 * 3_600_000).toISOString().slice(0, 23)}-0700`
    fake.faults.add({
      method: 'GET',
      path: '/v1/builds',
      kind: 'rewrite',
      times: Infinity,
      rewrite: (json) => {
        const doc = json as { data: Array<{ attributes?: { uploadedDate?: string } }> }
        for (const b of doc.data ?? [])
          if (b.attributes?.uploadedDate)
            b.attributes.uploadedDate = noColon(Date.parse(b.attributes.uploadedDate))
        return doc
      }
    })
    const run = await expireBuilds(fake, { 'app-id': history.app.id, 'older-than': '30d' })
    expect(run.errors).toEqual([])
    expect(sorted(JSON.parse(run.outputs['expired-build-ids']))).toEqual(expected)
    expect(sorted(expiredNow(fake))).toEqual(
      sorted([...history.builds.filter((b) => b.expired).map((b) => b.id), ...expected])
    )
    expect(fake.violations).toEqual([])
  })

  it('after a raced expiry (409 on PATCH) confirms all of them with one listing', async () => {
    const { fake, history } = await seeded(60)
    const expected = expectedExpiry(history.builds, { keepLatest: 2 })
    const raced = expected.slice(0, 5)
    // Another run expires five of them right after our listing.
    fake.faults.add({
      method: 'GET',
      path: /^\/v1\/builds\?(?!.*filter%5Bid%5D)/,
      kind: 'rewrite',
      rewrite: (json) => {
        for (const id of raced) fake.store.update('builds', id, { attributes: { expired: true } })
        return json
      }
    })
    const run = await expireBuilds(fake, { 'app-id': history.app.id, 'keep-latest': '2' })
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(sorted(JSON.parse(run.outputs['expired-build-ids']))).toEqual(expected)
    const confirms = fake.requests.filter((r) => r.method === 'GET' && r.query['filter[id]'])
    expect(confirms).toHaveLength(1)
    expect(sorted(confirms[0].query['filter[id]'].split(','))).toEqual(sorted(raced))
    expect(
      fake.requests.filter((r) => r.method === 'GET' && /^\/v1\/builds\/[^/]+$/.test(r.path))
    ).toEqual([])
    expect(run.stdout.match(/Already expired: /g)).toHaveLength(raced.length)
    expect(fake.violations).toEqual([])
  })

  it('writes the summary on failure: 401', async () => {
    const { fake, history } = await seeded(10)
    fake.faults.add({ kind: 'status', status: 401, times: Infinity })
    const run = await expireBuilds(fake, { 'app-id': history.app.id, 'keep-latest': '1' })
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.summary).toMatch(/^## Expire builds\n\n❌ App Store Connect answered 401/)
    expect(run.summary).toContain(run.errors[0].split('\n')[0].slice(0, 60))
  })

  it('writes the summary on failure: unknown app', async () => {
    const { fake } = await seeded(10)
    const run = await expireBuilds(fake, { 'bundle-id': 'com.example.nope', 'keep-latest': '1' })
    expect(run.code).not.toBe(0)
    expect(run.summary).toMatch(
      /^## Expire builds\n\n❌ Input 'bundle-id': no app with bundle ID 'com\.example\.nope'/
    )
  })

  it('writes the summary on partial success: what was expired before the failure', async () => {
    const { fake, history } = await seeded(60)
    const expected = expectedExpiry(history.builds, { keepLatest: 2 })
    expect(expected.length).toBeGreaterThan(12)
    fake.faults.add({
      method: 'PATCH',
      path: new RegExp(`/v1/builds/${expected[10]}$`),
      kind: 'status',
      status: 422,
      code: 'ENTITY_ERROR'
    })
    const run = await expireBuilds(fake, { 'app-id': history.app.id, 'keep-latest': '2' })
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    const done = JSON.parse(run.outputs['expired-build-ids']) as string[]
    expect(done.length).toBeGreaterThan(0)
    expect(run.summary).toMatch(/^## Expire builds\n\n❌ App Store Connect answered 422/)
    expect(run.summary).toContain(
      `Expired ${done.length} of ${expected.length} build(s) before the failure`
    )
    expect(run.summary).toContain('### Not expired because of the failure')
    expect(run.summary.match(/^## /gm)).toHaveLength(1)
  })
})
