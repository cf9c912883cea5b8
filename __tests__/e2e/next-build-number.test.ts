import { afterEach, describe, expect, it } from '@jest/globals'
import { startFakeAsc, type FakeAsc } from '../../tools/fake-asc/index.js'
import {
  connectionInputs,
  expectNoSecrets,
  runBundle,
  type ActionRun
} from '../../tools/e2e-harness.js'
import {
  BUNDLE_ID,
  MIXED,
  plainHistory,
  seedBuilds,
  seedNumbersApp,
  seedUploads,
  type NumbersApp
} from '../../tools/seeds/next-build-number.js'

let fake: FakeAsc | undefined

afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function started(): Promise<{ fake: FakeAsc } & NumbersApp> {
  fake = await startFakeAsc()
  return { fake, ...seedNumbersApp(fake) }
}

/** Runs the bundle; every run, whatever its outcome, changes nothing and prints no secret. */
async function nextBuildNumber(f: FakeAsc, inputs: Record<string, string>): Promise<ActionRun> {
  const run = await runBundle('next-build-number', { ...connectionInputs(f), ...inputs })
  expectNoSecrets(run, f.keys.team.privateKey)
  expect(f.changingRequests()).toEqual([])
  expect(f.violations).toEqual([])
  return run
}

const api = (f: FakeAsc) => f.requests.filter((r) => r.api)
const buildPages = (f: FakeAsc) => api(f).filter((r) => r.path === '/v1/builds')
const uploadPages = (f: FakeAsc) => api(f).filter((r) => r.path.endsWith('/buildUploads'))

describe('next-build-number, run as a runner runs it', () => {
  it('compares mixed formats numerically, counts expired builds, and warns once about the rest', async () => {
    const { fake, app } = await started()
    seedBuilds(fake, app, MIXED)
    const run = await nextBuildNumber(fake, { 'bundle-id': BUNDLE_ID })

    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    // 100 (an expired build of 1.1) > 99 > 42.0 > 1.2.10 > 1.2.9; macOS 500 and tvOS 2026.11.30 are
    // other platforms; the other app's 9999 is another app.
    expect(run.outputs).toMatchObject({
      'latest-build-number': '100',
      'build-number': '101',
      source: 'build'
    })
    expect(run.warnings).toHaveLength(1)
    expect(run.warnings[0]).toContain("'1.2-beta'")
    expect(run.warnings[0]).toContain("'nightly'")
    expect(run.stdout).toMatch(
      /Latest build number 100: build 100 of version 1\.1, uploaded \d{4}-\d\d-\d\d \d\d:\d\d UTC \(expired\)\. Next build number: 101\./
    )
    expect(run.summary).toContain('## Next build number')
    expect(run.summary).toContain('⚠️ Next build number: **101**, after build 100 of version 1.1')
    expect(run.summary).toContain('`1.2-beta`, `nightly`')

    // The minimum: the app lookup, one page of builds, one page of uploads.
    expect(api(fake)).toHaveLength(3)
    const [builds] = buildPages(fake)
    expect(builds.query).toMatchObject({
      'filter[app]': app.id,
      'filter[preReleaseVersion.platform]': 'IOS',
      limit: '200'
    })
    expect(builds.query['filter[expired]']).toBeUndefined()
    expect(builds.query['filter[processingState]']).toBeUndefined()
    expect(builds.query['fields[builds]'].split(',').sort()).toEqual(
      ['expired', 'preReleaseVersion', 'processingState', 'uploadedDate', 'version'].sort()
    )
    const [uploads] = uploadPages(fake)
    expect(uploads.path).toBe(`/v1/apps/${app.id}/buildUploads`)
    expect(uploads.query).toMatchObject({
      'filter[platform]': 'IOS',
      'filter[state]': 'AWAITING_UPLOAD,PROCESSING,COMPLETE',
      limit: '200'
    })
  })

  it('counts build uploads not yet visible as builds, but not failed ones or other platforms', async () => {
    const { fake, app } = await started()
    seedBuilds(fake, app, MIXED)
    seedUploads(fake, app, [
      { version: '1.3', buildNumber: '101', state: 'AWAITING_UPLOAD' },
      {
        version: '1.3',
        buildNumber: '102',
        state: 'COMPLETE',
        uploadedDate: '2026-11-23T18:17:42Z'
      },
      {
        version: '1.3',
        buildNumber: '103',
        state: 'PROCESSING',
        createdDate: '2026-11-20T08:00:00Z'
      },
      { version: '1.3', buildNumber: '1.2.11', state: 'PROCESSING' },
      { version: '1.3', buildNumber: '900', state: 'FAILED' },
      { version: '1.3', buildNumber: '901', platform: 'MAC_OS' }
    ])
    const run = await nextBuildNumber(fake, { 'app-id': app.id })
    expect(run.errors).toEqual([])
    expect(run.outputs).toMatchObject({
      'latest-build-number': '103',
      'build-number': '104',
      source: 'upload'
    })
    expect(run.stdout).toContain(
      'Latest build number 103: build upload 103 of version 1.3, uploaded 2026-11-20 08:00 UTC (processing). Next build number: 104.'
    )
    expect(run.summary).toContain(
      'Next build number: **104**, after build upload 103 of version 1.3'
    )
    // Given app-id, the lookup and both listings go out at once: still three requests.
    expect(api(fake)).toHaveLength(3)
  })

  it('prefers the build when an upload became that build', async () => {
    const { fake, app } = await started()
    const [build] = seedBuilds(fake, app, [{ version: '2.0', buildNumber: '7' }])
    seedUploads(fake, app, [
      { version: '2.0', buildNumber: '7', state: 'COMPLETE', buildId: build.id },
      { version: '2.0', buildNumber: '6', state: 'COMPLETE' }
    ])
    const run = await nextBuildNumber(fake, { 'bundle-id': BUNDLE_ID })
    expect(run.outputs).toMatchObject({
      'latest-build-number': '7',
      'build-number': '8',
      source: 'build'
    })
    expect(run.summary).toContain('✅ Next build number: **8**, after build 7 of version 2.0')
    expect(run.warnings).toEqual([])
  })

  it('counts expired and processing builds: they still hold their numbers', async () => {
    const { fake, app } = await started()
    seedBuilds(fake, app, [
      { version: '3.0', buildNumber: '11', expired: true },
      { version: '3.0', buildNumber: '12', expired: true },
      { version: '3.0', buildNumber: '13', processingState: 'PROCESSING' },
      { version: '3.0', buildNumber: '10' }
    ])
    const run = await nextBuildNumber(fake, { 'bundle-id': BUNDLE_ID })
    expect(run.outputs).toMatchObject({ 'latest-build-number': '13', 'build-number': '14' })
    expect(run.stdout).toContain('build 13 of version 3.0')
    expect(run.stdout).toContain('(processing)')
  })

  it('looks only at the marketing version asked for, compared exactly (1.2, not 1.20)', async () => {
    const { fake, app } = await started()
    seedBuilds(fake, app, [...MIXED, { version: '1.20', buildNumber: '1.2.50' }])
    seedUploads(fake, app, [{ version: '1.20', buildNumber: '1.2.60', state: 'PROCESSING' }])
    const run = await nextBuildNumber(fake, { 'bundle-id': BUNDLE_ID, version: '1.2' })
    expect(run.errors).toEqual([])
    expect(run.outputs).toMatchObject({
      'latest-build-number': '1.2.10',
      'build-number': '1.2.11',
      source: 'build'
    })
    expect(buildPages(fake)[0].query['filter[preReleaseVersion.version]']).toBe('1.2')
    expect(uploadPages(fake)[0].query['filter[cfBundleShortVersionString]']).toBe('1.2')
    expect(run.summary).toContain('iOS builds of version 1.2')
  })

  it('reads the platform asked for', async () => {
    const { fake, app } = await started()
    seedBuilds(fake, app, MIXED)
    const run = await nextBuildNumber(fake, { 'bundle-id': BUNDLE_ID, platform: 'tvOS' })
    expect(run.outputs).toMatchObject({
      'latest-build-number': '2026.11.30',
      'build-number': '2026.11.31'
    })
    expect(buildPages(fake)[0].query['filter[preReleaseVersion.platform]']).toBe('TV_OS')
    expect(uploadPages(fake)[0].query['filter[platform]']).toBe('TV_OS')
  })

  it('prints server text as data: a build number cannot start a workflow command', async () => {
    const { fake, app } = await started()
    seedBuilds(fake, app, [
      { version: '1.0', buildNumber: '5' },
      { version: '1.0', buildNumber: '::error::pwned\n::set-output name=build-number::666' }
    ])
    const run = await nextBuildNumber(fake, { 'bundle-id': BUNDLE_ID })
    expect(run.errors).toEqual([])
    expect(run.outputs).toMatchObject({ 'build-number': '6', 'latest-build-number': '5' })
    expect(run.warnings).toHaveLength(1)
    expect(
      run.stdout.split('\n').filter((l) => l.startsWith('::error') || l.startsWith('::set-output'))
    ).toEqual([])
  })

  it('rides out 503 and 429, and warns when a listing stops early', async () => {
    const { fake, app } = await started()
    seedBuilds(fake, app, plainHistory(300))
    fake.faults.add({ method: 'GET', path: '/v1/builds', kind: 'status', status: 503 })
    fake.faults.add({
      path: '/v1/apps/{id}/buildUploads',
      kind: 'status',
      status: 429,
      retryAfter: 1
    })
    const run = await nextBuildNumber(fake, { 'app-id': app.id })
    expect(run.errors).toEqual([])
    expect(run.outputs['build-number']).toBe('301')
    expect(fake.faults.pending()).toEqual([])

    fake.clearLog()
    fake.faults.add({ method: 'GET', path: '/v1/builds', kind: 'emptyPageWithNext', times: 3 })
    const early = await nextBuildNumber(fake, { 'app-id': app.id })
    expect(early.errors).toEqual([])
    expect(early.warnings.some((w) => /may already be taken/.test(w))).toBe(true)
    expect(early.summary).toContain('⚠️')
    expect(early.summary).toContain('Incomplete listing')
  })

  it.each([
    ['the default', {}, '1'],
    ['the initial number given', { initial: '2026.1.0' }, '2026.1.0']
  ])('gives %s when there is no build or upload at all', async (_name, inputs, expected) => {
    const { fake } = await started()
    const run = await nextBuildNumber(fake, { 'bundle-id': BUNDLE_ID, ...inputs })
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(run.outputs).toEqual({
      'build-number': expected,
      'latest-build-number': '',
      source: 'initial'
    })
    expect(run.stdout).toContain(
      `No build or build upload among iOS builds of every version yet. Next build number: ${expected} (initial).`
    )
    expect(run.summary).toContain(
      `✅ Next build number: **${expected}**, the initial number: no build or upload yet`
    )
    expect(api(fake)).toHaveLength(3)
  })

  it('follows every page: 450 builds in three pages of 200', async () => {
    const { fake, app } = await started()
    seedBuilds(fake, app, plainHistory(450))
    seedUploads(
      fake,
      app,
      Array.from({ length: 210 }, (_, i) => ({ version: '9.0', buildNumber: `${i}.5` }))
    )
    const run = await nextBuildNumber(fake, { 'app-id': app.id })
    expect(run.errors).toEqual([])
    expect(run.outputs).toMatchObject({ 'latest-build-number': '450', 'build-number': '451' })
    expect(buildPages(fake)).toHaveLength(3)
    expect(uploadPages(fake)).toHaveLength(2)
    expect(api(fake)).toHaveLength(1 + 3 + 2)
    expect(run.summary).toContain('3 page(s) of builds, 2 page(s) of build uploads')
  })

  it.each([
    ['platform', { 'bundle-id': BUNDLE_ID, platform: 'android' }, /ios, macos, tvos, visionos/],
    ['initial', { 'bundle-id': BUNDLE_ID, initial: 'v1' }, /'v1' is not a build number/],
    ['initial', { 'bundle-id': BUNDLE_ID, initial: '1.2.' }, /'1\.2\.' is not a build number/],
    ['app-id', {}, /is required/]
  ])(
    'refuses a bad %s with one error naming it, before any request',
    async (input, values, detail) => {
      const { fake } = await started()
      const run = await nextBuildNumber(fake, values)
      expect(run.code).not.toBe(0)
      expect(run.errors).toHaveLength(1)
      expect(run.errors[0]).toContain(`'${input}'`)
      expect(run.errors[0]).toMatch(detail)
      expect(fake.requests).toEqual([])
      expect(run.summary).toContain(`❌ ${run.errors[0].split('\n')[0]}`)
    }
  )

  it.each([
    [
      'bundle-id',
      { 'bundle-id': 'com.example.numbrs' },
      /com\.example\.numbrs.*nearest: com\.example\.numbers/
    ],
    ['app-id', { 'app-id': '999999' }, /999999/]
  ])('refuses an unknown %s with one error', async (input, values, detail) => {
    const { fake, app } = await started()
    seedBuilds(fake, app, MIXED)
    const run = await nextBuildNumber(fake, values)
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain(`'${input}'`)
    expect(run.errors[0]).toMatch(detail)
    expect(run.outputs['build-number']).toBeUndefined()
    expect(run.summary).toContain('❌')
  })

  it('refuses an app-id and a bundle-id that disagree', async () => {
    const { fake, otherApp } = await started()
    const run = await nextBuildNumber(fake, { 'app-id': otherApp.id, 'bundle-id': BUNDLE_ID })
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain("'bundle-id'")
    expect(run.outputs['build-number']).toBeUndefined()
  })
})
