import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { parse } from 'yaml'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeAsc, type FakeAsc, type Resource } from '../../tools/fake-asc/index.js'
import {
  connectionInputs,
  expectNoSecrets,
  ROOT,
  runBundle,
  type ActionRun
} from '../../tools/e2e-harness.js'
import { seedStoreApp, type StoreSeed } from '../../tools/seeds/app-store.js'
import { seedVersion } from '../../tools/fake-asc/domains/app-store.js'
import { scriptReview } from '../../tools/fake-asc/domains/app-store-review.js'
import { seedBuild } from '../../tools/fake-asc/domains/testflight.js'

let fake: FakeAsc | undefined
let dir: string | undefined

afterEach(async () => {
  await fake?.close()
  fake = undefined
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
})

async function seeded(
  o: Parameters<typeof seedStoreApp>[1] = {}
): Promise<{ fake: FakeAsc; seed: StoreSeed }> {
  fake = await startFakeAsc()
  return { fake, seed: seedStoreApp(fake, o) }
}

function file(name: string, content: unknown): string {
  dir ??= mkdtempSync(join(tmpdir(), 'submit-'))
  const path = join(dir, name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

async function submit(f: FakeAsc, inputs: Record<string, string>): Promise<ActionRun> {
  const run = await runBundle('submit-to-app-store', {
    ...connectionInputs(f),
    'bundle-id': 'com.example.storefront',
    ...inputs
  })
  expectNoSecrets(run, f.keys.team.privateKey)
  expect(f.violations).toEqual([])
  return run
}

const versionsOf = (f: FakeAsc, app: Resource) =>
  f.store.list('appStoreVersions', (v) => f.store.relatedIds(v, 'app')[0]?.id === app.id)
const versionNamed = (f: FakeAsc, name: string) =>
  f.store.list('appStoreVersions').find((v) => v.attributes.versionString === name)
const localesOf = (f: FakeAsc, version: Resource) =>
  Object.fromEntries(
    f.store
      .related(version, 'appStoreVersionLocalizations')
      .map((l) => [l.attributes.locale, l.attributes])
  )
const changing = (f: FakeAsc) =>
  f.changingRequests().map((r) => r.operation ?? `${r.method} ${r.path}`)

const fullInputs = (): Record<string, string> => ({
  version: '2.0',
  'build-number': '42',
  'uses-non-exempt-encryption': 'false',
  'whats-new': 'Faster checkout.',
  'metadata-file': file('metadata.json', {
    'de-DE': {
      description: 'Ein Laden in der Tasche.',
      keywords: 'laden,shop',
      whatsNew: 'Schneller.'
    }
  }),
  'release-type': 'manual',
  'phased-release': 'true',
  'review-details-file': file('review.json', {
    contactEmail: 'review@example.com',
    demoAccountName: 'reviewer',
    demoAccountPassword: 'hunter2-but-longer',
    demoAccountRequired: true
  }),
  'review-notes': 'Log in with the demo account.'
})

describe('submit-to-app-store, run as a runner runs it', () => {
  it('creates the next version, fills it in and submits it; a rerun changes nothing', async () => {
    const { fake, seed } = await seeded()
    const run = await submit(fake, fullInputs())
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    const version = versionNamed(fake, '2.0')!
    expect(version.attributes).toMatchObject({
      appVersionState: 'WAITING_FOR_REVIEW',
      releaseType: 'MANUAL'
    })
    expect(fake.store.relatedIds(version, 'build')[0].id).toBe(seed.build.id)
    expect(fake.store.must('builds', seed.build.id).attributes.usesNonExemptEncryption).toBe(false)
    expect(localesOf(fake, version)).toEqual({
      'en-US': { locale: 'en-US', whatsNew: 'Faster checkout.' },
      'de-DE': {
        locale: 'de-DE',
        description: 'Ein Laden in der Tasche.',
        keywords: 'laden,shop',
        whatsNew: 'Schneller.'
      }
    })
    expect(fake.store.related(version, 'appStoreReviewDetail')[0].attributes).toMatchObject({
      notes: 'Log in with the demo account.',
      demoAccountRequired: true
    })
    expect(
      fake.store.related(version, 'appStoreVersionPhasedRelease')[0].attributes.phasedReleaseState
    ).toBe('INACTIVE')
    const submissions = fake.store.list('reviewSubmissions')
    expect(submissions.map((s) => s.attributes.state)).toEqual(['WAITING_FOR_REVIEW'])
    expect(run.outputs).toMatchObject({
      'app-id': seed.app.id,
      'version-id': version.id,
      version: '2.0',
      'build-id': seed.build.id,
      'app-store-state': 'WAITING_FOR_REVIEW',
      'submission-id': submissions[0].id,
      'review-state': 'WAITING_FOR_REVIEW'
    })
    // One write per change: compliance, version, the primary localization, de-DE, review details,
    // phased release, then submission, item, submitted.
    expect(changing(fake).sort()).toEqual(
      [
        'PATCH /v1/builds/{id}',
        'POST /v1/appStoreVersions',
        'PATCH /v1/appStoreVersionLocalizations/{id}',
        'POST /v1/appStoreVersionLocalizations',
        'POST /v1/appStoreReviewDetails',
        'POST /v1/appStoreVersionPhasedReleases',
        'POST /v1/reviewSubmissions',
        'POST /v1/reviewSubmissionItems',
        'PATCH /v1/reviewSubmissions/{id}'
      ].sort()
    )
    expect(run.masked).toContain('hunter2-but-longer')
    expect(run.summary).toMatch(
      /^## Submit to App Store\n\n✅ 2\.0 submitted for App Store review\./
    )

    fake.clearLog()
    const again = await submit(fake, fullInputs())
    expect(again.errors).toEqual([])
    expect(again.code).toBe(0)
    expect(fake.changingRequests()).toEqual([])
    expect(again.outputs).toMatchObject({
      'version-id': version.id,
      'app-store-state': 'WAITING_FOR_REVIEW',
      'submission-id': submissions[0].id
    })
    expect(again.summary).toContain('already WAITING_FOR_REVIEW: nothing changed')
  })

  it('renames the one editable version instead of creating a second', async () => {
    const { fake, seed } = await seeded()
    const draft = seedVersion(fake, seed.app.id, { versionString: '1.9' })
    const run = await submit(fake, {
      version: '2.0',
      'build-number': '42',
      'uses-non-exempt-encryption': 'true'
    })
    expect(run.errors).toEqual([])
    expect(versionsOf(fake, seed.app)).toHaveLength(2)
    expect(fake.store.must('appStoreVersions', draft.id).attributes).toMatchObject({
      versionString: '2.0',
      appVersionState: 'WAITING_FOR_REVIEW'
    })
    expect(run.stdout).toContain(
      'The editable version 1.9 (PREPARE_FOR_SUBMISSION) is renamed to 2.0'
    )
    expect(changing(fake)).not.toContain('POST /v1/appStoreVersions')
  })

  it("skips What's New on the app's first version, with a warning", async () => {
    const { fake } = await seeded({ live: false })
    const run = await submit(fake, {
      version: '2.0',
      'build-number': '42',
      'uses-non-exempt-encryption': 'false',
      'whats-new': 'First!',
      'metadata-file': file('m.json', { 'en-US': { description: 'Hello.' } })
    })
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(run.warnings).toHaveLength(1)
    expect(run.warnings[0]).toMatch(/first version.*What's New for en-US was skipped/)
    expect(run.summary).toContain('⚠️')
    const version = versionNamed(fake, '2.0')!
    expect(localesOf(fake, version)).toEqual({
      'en-US': { locale: 'en-US', description: 'Hello.' }
    })
    expect(version.attributes.appVersionState).toBe('WAITING_FOR_REVIEW')
  })

  describe('another version in review', () => {
    async function inReview() {
      const { fake, seed } = await seeded()
      const old = seedBuild(fake, seed.app.id, {
        version: '1.9',
        buildNumber: '41',
        usesNonExemptEncryption: false
      })
      const v = seedVersion(fake, seed.app.id, {
        versionString: '1.9',
        state: 'WAITING_FOR_REVIEW',
        buildId: old.id
      })
      const submission = fake.store.create(
        'reviewSubmissions',
        { platform: 'IOS', state: 'WAITING_FOR_REVIEW' },
        { app: seed.app, appStoreVersionForReview: v }
      )
      fake.store.create(
        'reviewSubmissionItems',
        { state: 'READY_FOR_REVIEW' },
        { reviewSubmission: submission, appStoreVersion: v }
      )
      return { fake, seed, v, submission }
    }

    it('is an error naming it, and nothing changes', async () => {
      const { fake } = await inReview()
      const run = await submit(fake, {
        version: '2.0',
        'build-number': '42',
        'uses-non-exempt-encryption': 'false'
      })
      expect(run.code).toBe(1)
      expect(run.errors).toHaveLength(1)
      expect(run.errors[0]).toMatch(
        /version 1\.9 of this platform is WAITING_FOR_REVIEW.*replace-in-review: true/
      )
      expect(fake.changingRequests()).toEqual([])
      expect(run.summary).toContain('❌')
    })

    it('with replace-in-review, cancels that submission first and submits the new version', async () => {
      const { fake, v, submission } = await inReview()
      const run = await submit(fake, {
        version: '2.0',
        'build-number': '42',
        'uses-non-exempt-encryption': 'false',
        'replace-in-review': 'true',
        'poll-interval': '50ms'
      })
      expect(run.errors).toEqual([])
      expect(fake.store.must('reviewSubmissions', submission.id).attributes.state).toBe('COMPLETE')
      expect(fake.store.must('appStoreVersions', v.id).attributes).toMatchObject({
        versionString: '2.0',
        appVersionState: 'WAITING_FOR_REVIEW'
      })
      expect(run.summary).toContain('Review submission of 1.9 canceled')
    })
  })

  it('waits for review and fails with one error and the Resolution Center link when rejected', async () => {
    const { fake, seed } = await seeded()
    const draft = seedVersion(fake, seed.app.id, { versionString: '2.0', buildId: seed.build.id })
    fake.store.update('builds', seed.build.id, { attributes: { usesNonExemptEncryption: false } })
    scriptReview(fake, draft.id, { after: 3, outcome: 'REJECTED' })
    const run = await submit(fake, {
      version: '2.0',
      'wait-for': 'review',
      'poll-interval': '50ms'
    })
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain('App Review did not approve 2.0: it is REJECTED')
    expect(run.errors[0]).toContain(
      `https://appstoreconnect.apple.com/apps/${seed.app.id}/distribution/reviewsubmissions`
    )
    expect(run.stdout).toMatch(/Waiting for App Review: IN_REVIEW; .* elapsed, .* left\./)
  })

  it('waits for review and reports the approved state', async () => {
    const { fake, seed } = await seeded()
    const draft = seedVersion(fake, seed.app.id, {
      versionString: '2.0',
      buildId: seed.build.id,
      releaseType: 'MANUAL'
    })
    fake.store.update('builds', seed.build.id, { attributes: { usesNonExemptEncryption: false } })
    scriptReview(fake, draft.id, { after: 2, outcome: 'APPROVED' })
    const run = await submit(fake, {
      version: '2.0',
      'wait-for': 'review',
      'poll-interval': '50ms'
    })
    expect(run.errors).toEqual([])
    expect(run.outputs['app-store-state']).toBe('PENDING_DEVELOPER_RELEASE')
  })

  it('schedules the release, removes the phased release and, with submit false, submits nothing', async () => {
    const { fake, seed } = await seeded({ usesNonExemptEncryption: false })
    const draft = seedVersion(fake, seed.app.id, { versionString: '2.0', buildId: seed.build.id })
    fake.store.create(
      'appStoreVersionPhasedReleases',
      { phasedReleaseState: 'INACTIVE' },
      { appStoreVersion: draft }
    )
    const run = await submit(fake, {
      version: '2.0',
      'release-type': 'scheduled',
      'earliest-release-date': '2030-06-01T09:00:00Z',
      'phased-release': 'false',
      submit: 'false'
    })
    expect(run.errors).toEqual([])
    expect(fake.store.must('appStoreVersions', draft.id).attributes).toMatchObject({
      releaseType: 'SCHEDULED',
      earliestReleaseDate: '2030-06-01T09:00:00Z',
      appVersionState: 'PREPARE_FOR_SUBMISSION'
    })
    expect(fake.store.list('appStoreVersionPhasedReleases')).toEqual([])
    expect(fake.store.list('reviewSubmissions')).toEqual([])
    expect(run.outputs['app-store-state']).toBe('PREPARE_FOR_SUBMISSION')
    expect(run.outputs['submission-id']).toBeUndefined()
    expect(run.summary).toContain('prepared for review (not submitted: submit is false)')
  })

  it('dry-run prints the plan and changes nothing', async () => {
    const { fake } = await seeded()
    const run = await submit(fake, { ...fullInputs(), 'dry-run': 'true' })
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(fake.changingRequests()).toEqual([])
    expect(run.stdout).toContain('Would create version 2.0')
    expect(run.stdout).toContain('Would submit 2.0 for review')
    expect(run.summary).toContain('Dry run')
    expect(versionNamed(fake, '2.0')).toBeUndefined()
  })

  it('ends in the same state after lost answers to its creates, and 429/503 answers', async () => {
    const { fake, seed } = await seeded()
    for (const path of [
      '/v1/appStoreVersions',
      '/v1/appStoreVersionLocalizations',
      '/v1/reviewSubmissions',
      '/v1/reviewSubmissionItems'
    ])
      fake.faults.add({ kind: 'drop', method: 'POST', path })
    fake.faults.add({
      kind: 'status',
      status: 429,
      retryAfter: 1,
      method: 'PATCH',
      path: '/v1/builds/{id}'
    })
    fake.faults.add({
      kind: 'status',
      status: 503,
      method: 'GET',
      path: '/v1/apps/{id}/appStoreVersions'
    })
    const run = await submit(fake, fullInputs())
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(fake.faults.pending()).toEqual([])
    expect(versionsOf(fake, seed.app)).toHaveLength(2)
    const version = versionNamed(fake, '2.0')!
    expect(Object.keys(localesOf(fake, version)).sort()).toEqual(['de-DE', 'en-US'])
    expect(fake.store.list('reviewSubmissions')).toHaveLength(1)
    expect(fake.store.list('reviewSubmissionItems')).toHaveLength(1)
    expect(version.attributes.appVersionState).toBe('WAITING_FOR_REVIEW')
    expect(run.stdout).toContain('the answer was lost, but the change is there')
  })

  it.each<[string, Record<string, string>, RegExp, Partial<Parameters<typeof seedStoreApp>[1]>?]>([
    [
      'an unknown locale',
      { 'whats-new': 'x', 'whats-new-locale': 'en-XX' },
      /whats-new-locale.*'en-XX' is not a locale.*nearest: en-/
    ],
    [
      "What's New over 4,000 characters",
      { 'whats-new': 'x'.repeat(4001) },
      /whats-new.*4001 characters.*at most 4000/
    ],
    [
      'keywords over 100 characters',
      { 'metadata-file': '{"de-DE":{"keywords":"' + 'k'.repeat(101) + '"}}' },
      /metadata-file.*Keywords has 101 characters/
    ],
    [
      'a bad marketing URL',
      { 'metadata-file': '{"en-US":{"marketingUrl":"example.com"}}' },
      /metadata-file.*'example\.com' is not an http\(s\) URL/
    ],
    [
      'a bad date',
      { 'release-type': 'scheduled', 'earliest-release-date': '24.12.2030' },
      /earliest-release-date.*not an ISO 8601 date-time/
    ],
    [
      'a build of another version',
      { 'build-number': '7' },
      /build-number.*build 7 is of version 1\.5, not 2\.0/
    ],
    [
      'a build that is not VALID',
      { 'build-number': '43' },
      /build-number.*build 43 is PROCESSING, not VALID/
    ],
    ['a version already live', { version: '1.0' }, /version.*1\.0 is already live/],
    [
      'an unanswered export compliance',
      { 'uses-non-exempt-encryption': '' },
      /uses-non-exempt-encryption/
    ]
  ])('refuses %s with one error and no change', async (_name, inputs, message) => {
    const { fake, seed } = await seeded()
    seedBuild(fake, seed.app.id, {
      version: '1.5',
      buildNumber: '7',
      usesNonExemptEncryption: false
    })
    seedBuild(fake, seed.app.id, {
      version: '2.0',
      buildNumber: '43',
      processingState: 'PROCESSING'
    })
    const values: Record<string, string> = {
      version: '2.0',
      'build-number': '42',
      'uses-non-exempt-encryption': 'false',
      ...inputs
    }
    for (const [k, v] of Object.entries(values))
      if (v.startsWith('{')) values[k] = file(`${k}.json`, v)
    const run = await submit(fake, values)
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(message)
    expect(fake.changingRequests()).toEqual([])
  })
})

describe('the app-store-release composite, its steps run as the runner runs them', () => {
  const composite = parse(
    readFileSync(join(ROOT, 'actions/app-store-release/action.yml'), 'utf8')
  ) as {
    inputs: Record<string, { default?: string }>
    runs: { steps: Array<{ id: string; env: Record<string, string>; run: string }> }
  }

  /** Evaluates a step's env (`inputs.*` and earlier steps' outputs) into the bundle's inputs. */
  function stepInputs(
    env: Record<string, string>,
    given: Record<string, string>,
    outputs: Record<string, Record<string, string>>
  ): Record<string, string> {
    const inputs: Record<string, string> = {}
    for (const [variable, value] of Object.entries(env)) {
      const input = /^\$\{\{ inputs\.([a-z-]+) \}\}$/.exec(value)
      const step = /^\$\{\{ steps\.([a-z-]+)\.outputs\.([a-z-]+) \}\}$/.exec(value)
      const name = variable.replace(/^INPUT_/, '').toLowerCase()
      if (input) inputs[name] = given[input[1]] ?? String(composite.inputs[input[1]]?.default ?? '')
      else if (step) inputs[name] = outputs[step[1]]?.[step[2]] ?? ''
      else throw new Error(`cannot evaluate ${variable}: ${value}`)
    }
    return inputs
  }

  it('distributes the build, then submits that build for review', async () => {
    const { fake, seed } = await seeded()
    const given = {
      ...connectionInputs(fake),
      'bundle-id': 'com.example.storefront',
      version: '2.0',
      'build-number': '42',
      'uses-non-exempt-encryption': 'false',
      'whats-new': 'Faster checkout.'
    }
    const outputs: Record<string, Record<string, string>> = {}
    for (const step of composite.runs.steps) {
      const entry = /dist\/([a-z-]+)\/index\.js/.exec(step.run)![1]
      const run = await runBundle(entry, stepInputs(step.env, given, outputs))
      expectNoSecrets(run, fake.keys.team.privateKey)
      expect({ entry, errors: run.errors, code: run.code }).toEqual({ entry, errors: [], code: 0 })
      outputs[step.id] = run.outputs
    }
    expect(outputs.distribute['build-id']).toBe(seed.build.id)
    const version = versionNamed(fake, '2.0')!
    expect(fake.store.relatedIds(version, 'build')[0].id).toBe(seed.build.id)
    expect(outputs.submit).toMatchObject({
      'version-id': version.id,
      'app-store-state': 'WAITING_FOR_REVIEW',
      'build-id': seed.build.id
    })
    expect(fake.violations).toEqual([])
  })
})
