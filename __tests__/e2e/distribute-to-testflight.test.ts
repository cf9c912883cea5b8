import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeAsc, type FakeAsc } from '../../tools/fake-asc/index.js'
import {
  scriptProcessing,
  seedBuild,
  notifiedBuilds
} from '../../tools/fake-asc/domains/testflight.js'
import { buildUploadSettings, uploadedFiles } from '../../tools/fake-asc/domains/build-uploads.js'
import { ipaBytes, pkgBytes, writeIpa } from '../../tools/fixtures/testflight.js'
import {
  connectionInputs,
  expectNoSecrets,
  runBundle,
  type ActionRun
} from '../../tools/e2e-harness.js'

const ENTRY = 'distribute-to-testflight'
let fake: FakeAsc | undefined
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tf-e2e-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

interface World {
  fake: FakeAsc
  appId: string
  groups: Record<string, string>
  testers: Record<string, string>
}

async function world(): Promise<World> {
  fake = await startFakeAsc()
  const app = fake.store.create('apps', {
    name: 'Example',
    bundleId: 'com.example.app',
    sku: 'EX',
    primaryLocale: 'en-US'
  })
  fake.store.create('apps', {
    name: 'Other',
    bundleId: 'com.example.app.widget',
    sku: 'EX2',
    primaryLocale: 'en-US'
  })
  const group = (name: string, isInternalGroup: boolean) =>
    fake!.store.create(
      'betaGroups',
      { name, isInternalGroup, publicLinkEnabled: false },
      { app: { type: 'apps', id: app.id } }
    ).id
  const groups = { QA: group('QA', true), External: group('External Testers', false) }
  const tester = (email: string) =>
    fake!.store.create(
      'betaTesters',
      { email, firstName: 'T', lastName: 'T', inviteType: 'EMAIL' },
      { apps: [{ type: 'apps', id: app.id }] }
    ).id
  const testers = { alice: tester('alice@example.com'), bob: tester('bob@example.com') }
  return { fake, appId: app.id, groups, testers }
}

const auth = (f: FakeAsc) => connectionInputs(f)

async function distribute(f: FakeAsc, inputs: Record<string, string>): Promise<ActionRun> {
  const run = await runBundle(
    ENTRY,
    { 'poll-interval': '200ms', ...auth(f), ...inputs },
    { timeoutMs: 90_000 }
  )
  expectNoSecrets(run, f.keys.team.privateKey)
  return run
}

const changing = (f: FakeAsc) =>
  f.changingRequests().map((r) => `${r.method} ${r.operation ?? r.path}`)

function localizations(f: FakeAsc, buildId: string) {
  return f.store
    .list('betaBuildLocalizations', (l) => f.store.relatedIds(l, 'build')[0]?.id === buildId)
    .map((l) => ({ locale: l.attributes.locale, whatsNew: l.attributes.whatsNew }))
    .sort((a, b) => String(a.locale).localeCompare(String(b.locale)))
}

const groupsOf = (f: FakeAsc, buildId: string) =>
  f.store
    .relatedIds({ type: 'builds', id: buildId }, 'betaGroups')
    .map((g) => g.id)
    .sort()

describe('distribute-to-testflight: upload', () => {
  it('uploads a zip-built .ipa in parts, the fake verifying bytes and checksum, then distributes the new build', async () => {
    const w = await world()
    buildUploadSettings(w.fake).partSize = 64 * 1024
    buildUploadSettings(w.fake).readsUntilComplete = 2
    const path = join(dir, 'Example.ipa')
    const bytes = writeIpa(path, { payloadBytes: 300_000, version: '1.2.0', buildNumber: '42' })
    const run = await distribute(w.fake, {
      'ipa-path': path,
      groups: 'External Testers',
      'what-to-test': 'Try the new login'
    })
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)

    const [file] = uploadedFiles(w.fake)
    expect(file.operations.length).toBeGreaterThan(3)
    expect(file.committed).toBe(true)
    expect(file.bytes?.equals(bytes)).toBe(true)
    expect(file.checksum).toEqual({
      algorithm: 'SHA_256',
      hash: createHash('sha256').update(bytes).digest('hex')
    })
    const parts = w.fake.requests.filter((r) => r.path.startsWith('/fake-upload/'))
    expect(parts).toHaveLength(file.operations.length)
    expect(parts.every((r) => !r.hasAuthorizationHeader && r.status === 200)).toBe(true)

    const build = w.fake.store.list('builds')[0]
    expect(run.outputs).toMatchObject({
      'app-id': w.appId,
      'build-id': build.id,
      version: '1.2.0',
      'build-number': '42',
      'processing-state': 'VALID',
      'upload-id': file.uploadId
    })
    expect(w.fake.store.get('buildUploads', file.uploadId)?.attributes.state).toMatchObject({
      state: 'COMPLETE'
    })
    expect(groupsOf(w.fake, build.id)).toEqual([w.groups.External])
    expect(localizations(w.fake, build.id)).toEqual([
      { locale: 'en-US', whatsNew: 'Try the new login' }
    ])
    expect(run.summary).toMatch(/Upload:\*\* 0\.3 MiB in \d+ part\(s\)/)
    expect(run.summary).toMatch(/Groups:\*\* External Testers \(added\)/)
    expect(w.fake.violations).toEqual([])
  })

  it('reads a binary Info.plist, retries parts the upload host refuses with 503, and does not upload again on a rerun', async () => {
    const w = await world()
    buildUploadSettings(w.fake).partSize = 16 * 1024
    buildUploadSettings(w.fake).failParts = 2
    const path = join(dir, 'Binary.ipa')
    const bytes = writeIpa(path, { binary: true, payloadBytes: 50_000, buildNumber: '7' })
    const first = await distribute(w.fake, { 'ipa-path': path })
    expect(first.errors).toEqual([])
    expect(first.stdout).toMatch(/HTTP 503; retrying/)
    expect(uploadedFiles(w.fake)[0].bytes?.equals(bytes)).toBe(true)
    expect(first.outputs['build-number']).toBe('7')
    expect(first.outputs.platform).toBe('ios')

    w.fake.clearLog()
    const again = await distribute(w.fake, { 'ipa-path': path })
    expect(again.errors).toEqual([])
    expect(again.stdout).toMatch(/already in App Store Connect; it is not uploaded again/)
    expect(again.outputs['upload-id']).toBeUndefined()
    expect(again.outputs['build-id']).toBe(first.outputs['build-id'])
    expect(changing(w.fake)).toEqual([])
    expect(w.fake.store.list('buildUploads')).toHaveLength(1)
    expect(w.fake.violations).toEqual([])
  })

  it('ends at once with Apple’s reasons when the upload FAILED', async () => {
    const w = await world()
    buildUploadSettings(w.fake).failWith = [
      {
        code: 'ITMS-90062',
        description: 'The value for key CFBundleShortVersionString must be higher.'
      }
    ]
    const path = join(dir, 'Fails.ipa')
    writeIpa(path, { buildNumber: '8' })
    const run = await distribute(w.fake, { 'ipa-path': path, groups: 'QA' })
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(
      /refused the upload of Fails.ipa .*ITMS-90062: The value for key CFBundleShortVersionString must be higher/
    )
    expect(w.fake.store.list('builds')).toHaveLength(0)
    expect(w.fake.violations).toEqual([])
  })

  it('uploads a macOS .pkg with the version read from its PackageInfo', async () => {
    const w = await world()
    const mac = w.fake.store.create('apps', {
      name: 'Mac',
      bundleId: 'com.example.mac',
      sku: 'MAC',
      primaryLocale: 'en-US'
    })
    const path = join(dir, 'Mac.pkg')
    const bytes = pkgBytes({ bundleId: 'com.example.mac', version: '2.0', buildNumber: '9' })
    writeFileSync(path, bytes)
    const run = await distribute(w.fake, { 'ipa-path': path })
    expect(run.errors).toEqual([])
    expect(run.outputs).toMatchObject({
      'app-id': mac.id,
      version: '2.0',
      'build-number': '9',
      platform: 'macos',
      'processing-state': 'VALID'
    })
    const upload = w.fake.store.list('buildUploads')[0]
    expect(upload.attributes).toMatchObject({ platform: 'MAC_OS', cfBundleVersion: '9' })
    expect(uploadedFiles(w.fake)[0].bytes?.equals(bytes)).toBe(true)
    const fileCreate = w.fake.requests.find(
      (r) => r.method === 'POST' && r.path === '/v1/buildUploadFiles'
    )
    expect(fileCreate?.body).toMatchObject({
      data: { attributes: { uti: 'com.apple.pkg', fileName: 'Mac.pkg' } }
    })
    expect(w.fake.violations).toEqual([])
  })
})

describe('distribute-to-testflight: an existing build', () => {
  it('waits for a build that finishes processing, keeping its token valid when it is revoked mid-wait', async () => {
    const w = await world()
    const build = seedBuild(w.fake, w.appId, { version: '1.0', buildNumber: '100' })
    scriptProcessing(w.fake, build.id, { after: 3 })
    w.fake.faults.add({ kind: 'revoke', method: 'GET', path: '/v1/builds/{id}' })
    const run = await distribute(w.fake, {
      'bundle-id': 'com.example.app',
      'build-number': '100',
      version: '1.0',
      groups: 'QA'
    })
    expect(run.errors).toEqual([])
    expect(run.outputs['processing-state']).toBe('VALID')
    expect(run.stdout).toMatch(/is PROCESSING \(\d+\w* elapsed, [^)]* left\); checking again/)
    expect(run.stdout).toMatch(/answered 401 .* signing a new token/)
    expect(groupsOf(w.fake, build.id)).toEqual([w.groups.QA])
    expect(run.summary).toMatch(/Processing:\*\* VALID after/)
    expect(w.fake.violations).toEqual([])
  })

  it('times out with advice when the build never finishes processing', async () => {
    const w = await world()
    const build = seedBuild(w.fake, w.appId, { version: '1.0', buildNumber: '101' })
    scriptProcessing(w.fake, build.id, 'never')
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '101',
      'processing-timeout': '1s',
      groups: 'QA'
    })
    expect(run.code).not.toBe(0)
    expect(run.errors).toEqual([
      expect.stringMatching(
        /Build \(101\) for IOS was still PROCESSING after \d+s \(processing-timeout\).*raise processing-timeout/
      )
    ])
    expect(changing(w.fake)).toEqual([])
    expect(w.fake.violations).toEqual([])
  })

  it('times out when the build never appears', async () => {
    const w = await world()
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '404',
      'processing-timeout': '600ms'
    })
    expect(run.errors).toEqual([
      expect.stringMatching(/did not appear in App Store Connect within .*processing-timeout/)
    ])
  })

  it('waits for a build that appears late', async () => {
    const w = await world()
    // The build appears only once the action has looked for it and not found it (not after a
    // fixed delay, which a slow start-up on a busy machine could outlast).
    const looked = () =>
      w.fake.requests.some((r) => r.method === 'GET' && r.path === '/v1/builds' && r.status === 200)
    const appear = setInterval(() => {
      if (!looked()) return
      clearInterval(appear)
      seedBuild(w.fake, w.appId, { version: '1.0', buildNumber: '102' })
    }, 10)
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '102',
      'processing-timeout': '20s'
    })
    expect(run.errors).toEqual([])
    clearInterval(appear)
    expect(run.stdout).toMatch(/not in App Store Connect yet/)
    expect(run.outputs['build-number']).toBe('102')
  })

  it('stops at once when processing FAILED', async () => {
    const w = await world()
    const build = seedBuild(w.fake, w.appId, { version: '1.0', buildNumber: '103' })
    scriptProcessing(w.fake, build.id, { after: 1, then: 'FAILED' })
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '103',
      'processing-timeout': '1h',
      groups: 'QA'
    })
    expect(run.errors).toEqual([
      expect.stringMatching(/Build \(103\) for IOS finished processing as FAILED/)
    ])
    expect(changing(w.fake)).toEqual([])
  })

  it('compares version and build number exactly, whatever Apple’s filters match', async () => {
    const w = await world()
    seedBuild(w.fake, w.appId, { version: '1.0', buildNumber: '1000' })
    const exact = seedBuild(w.fake, w.appId, { version: '1.0', buildNumber: '10' })
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '10',
      version: '1.0'
    })
    expect(run.outputs['build-id']).toBe(exact.id)
  })

  it('refuses an unknown group, naming it and listing the app’s groups, with zero changes', async () => {
    const w = await world()
    seedBuild(w.fake, w.appId, {
      version: '1.0',
      buildNumber: '104',
      usesNonExemptEncryption: null
    })
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '104',
      'uses-non-exempt-encryption': 'false',
      'what-to-test': 'x',
      groups: 'QA, Extrenal Testers, Nobody'
    })
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(
      /Input 'groups': no beta group 'Extrenal Testers' \(nearest: External Testers.*'Nobody'.*Its groups are: 'QA', 'External Testers'/
    )
    expect(changing(w.fake)).toEqual([])
    expect(w.fake.violations).toEqual([])
  })

  it('refuses an unknown tester before any change', async () => {
    const w = await world()
    seedBuild(w.fake, w.appId, { version: '1.0', buildNumber: '105' })
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '105',
      testers: 'alice@example.com, carol@example.com',
      groups: 'QA'
    })
    expect(run.errors).toEqual([
      expect.stringMatching(
        /Input 'testers': 'carol@example.com' is not a tester of this app. Nothing was changed/
      )
    ])
    expect(changing(w.fake)).toEqual([])
  })
})

describe('distribute-to-testflight: configuration', () => {
  it('configures everything, and a rerun changes nothing and duplicates nothing', async () => {
    const w = await world()
    const build = seedBuild(w.fake, w.appId, {
      version: '2.0',
      buildNumber: '200',
      usesNonExemptEncryption: null
    })
    w.fake.store.create(
      'betaBuildLocalizations',
      { locale: 'de-DE', whatsNew: 'alt' },
      { build: { type: 'builds', id: build.id } }
    )
    const notes = join(dir, 'notes.json')
    writeFileSync(
      notes,
      JSON.stringify({
        'en-US': 'Test the login',
        'de-DE': 'Anmeldung testen',
        'fr-FR': 'Testez <la> connexion'
      })
    )
    const inputs = {
      'app-id': w.appId,
      'build-number': '200',
      version: '2.0',
      'uses-non-exempt-encryption': 'false',
      'what-to-test-file': notes,
      groups: `QA\n${w.groups.External}`,
      testers: 'alice@example.com,BOB@example.com',
      'submit-for-review': 'true',
      'notify-testers': 'true',
      'public-link-group': 'Public Beta',
      'public-link-limit': '500'
    }
    const first = await distribute(w.fake, inputs)
    expect(first.errors).toEqual([])
    expect(first.warnings).toEqual([expect.stringMatching(/fr-FR.*replaced 2 '<' or '>'/)])

    const pub = w.fake.store.find('betaGroups', { name: 'Public Beta' })!
    expect(pub.attributes).toMatchObject({
      isInternalGroup: false,
      publicLinkEnabled: true,
      publicLinkLimitEnabled: true,
      publicLinkLimit: 500
    })
    expect(first.outputs).toMatchObject({
      'beta-review-state': 'WAITING_FOR_REVIEW',
      'public-link': pub.attributes.publicLink,
      'processing-state': 'VALID'
    })
    expect(first.outputs['public-link']).toMatch(/^https:\/\/testflight.apple.com\/join\//)
    expect(w.fake.store.get('builds', build.id)?.attributes.usesNonExemptEncryption).toBe(false)
    expect(localizations(w.fake, build.id)).toEqual([
      { locale: 'de-DE', whatsNew: 'Anmeldung testen' },
      { locale: 'en-US', whatsNew: 'Test the login' },
      { locale: 'fr-FR', whatsNew: 'Testez ‹la› connexion' }
    ])
    expect(groupsOf(w.fake, build.id)).toEqual([w.groups.QA, w.groups.External, pub.id].sort())
    expect(
      w.fake.store
        .relatedIds({ type: 'builds', id: build.id }, 'individualTesters')
        .map((t) => t.id)
        .sort()
    ).toEqual([w.testers.alice, w.testers.bob].sort())
    expect(notifiedBuilds(w.fake)).toEqual([build.id])
    expect(first.summary).toMatch(/Beta review:\*\* WAITING_FOR_REVIEW \(submitted now\)/)
    expect(first.summary).toMatch(
      /Testers:\*\* alice@example.com \(added\), BOB@example.com \(added\)/
    )

    w.fake.clearLog()
    const again = await distribute(w.fake, inputs)
    expect(again.errors).toEqual([])
    expect(again.outputs['public-link']).toBe(first.outputs['public-link'])
    expect(again.outputs['beta-review-state']).toBe('WAITING_FOR_REVIEW')
    // Only the notification is attempted again; Apple refuses a second one and that is reported.
    expect(changing(w.fake)).toEqual(['POST POST /v1/buildBetaNotifications'])
    expect(again.stdout).toMatch(/did not send a new notification/)
    expect(w.fake.store.list('betaAppReviewSubmissions')).toHaveLength(1)
    expect(
      w.fake.store.list('betaGroups', (g) => g.attributes.name === 'Public Beta')
    ).toHaveLength(1)
    expect(localizations(w.fake, build.id)).toHaveLength(3)
    expect(again.summary).toMatch(/Groups:\*\* .*\(already\)/)
    expect(w.fake.violations).toEqual([])
  })

  it('rides out 429 and 503 answers', async () => {
    const w = await world()
    const build = seedBuild(w.fake, w.appId, { version: '1.0', buildNumber: '300' })
    w.fake.faults.add({ kind: 'status', status: 503, method: 'GET', path: '/v1/builds' })
    w.fake.faults.add({
      kind: 'status',
      status: 429,
      retryAfter: 1,
      method: 'POST',
      path: '/v1/builds/{id}/relationships/betaGroups'
    })
    w.fake.faults.add({
      kind: 'status',
      status: 429,
      retryAfter: 1,
      method: 'POST',
      path: '/v1/betaBuildLocalizations'
    })
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '300',
      groups: 'QA',
      'what-to-test': 'hello'
    })
    expect(run.errors).toEqual([])
    expect(groupsOf(w.fake, build.id)).toEqual([w.groups.QA])
    expect(localizations(w.fake, build.id)).toEqual([{ locale: 'en-US', whatsNew: 'hello' }])
    expect(run.stdout).toMatch(/503; retrying/)
    expect(run.stdout).toMatch(/429; retrying/)
    expect(w.fake.violations).toEqual([])
  })

  it('recovers lost answers to POSTs without creating twice', async () => {
    const w = await world()
    const build = seedBuild(w.fake, w.appId, { version: '1.0', buildNumber: '301' })
    w.fake.faults.add({ kind: 'drop', method: 'POST', path: '/v1/betaAppReviewSubmissions' })
    w.fake.faults.add({ kind: 'drop', method: 'POST', path: '/v1/betaBuildLocalizations' })
    w.fake.faults.add({ kind: 'drop', method: 'POST', path: '/v1/betaGroups' })
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '301',
      'what-to-test': 'notes',
      'submit-for-review': 'true',
      'public-link-group': 'Link'
    })
    expect(run.errors).toEqual([])
    expect(run.stdout).toMatch(/the answer was lost, but the change is there/)
    expect(w.fake.store.list('betaAppReviewSubmissions')).toHaveLength(1)
    expect(localizations(w.fake, build.id)).toEqual([{ locale: 'en-US', whatsNew: 'notes' }])
    expect(w.fake.store.list('betaGroups', (g) => g.attributes.name === 'Link')).toHaveLength(1)
    expect(run.outputs['public-link']).toMatch(/^https:\/\/testflight.apple.com\/join\//)
    expect(run.outputs['beta-review-state']).toBe('WAITING_FOR_REVIEW')
    expect(w.fake.violations).toEqual([])
  })

  it('recovers a lost answer to the build upload’s creation', async () => {
    const w = await world()
    w.fake.faults.add({ kind: 'drop', method: 'POST', path: '/v1/buildUploads' })
    const path = join(dir, 'Lost.ipa')
    writeFileSync(path, ipaBytes({ buildNumber: '55' }))
    const run = await distribute(w.fake, { 'ipa-path': path })
    expect(run.errors).toEqual([])
    expect(w.fake.store.list('buildUploads')).toHaveLength(1)
    expect(run.outputs['upload-id']).toBe(w.fake.store.list('buildUploads')[0].id)
  })

  it('takes What to Test from the pushed commit when asked', async () => {
    const w = await world()
    seedBuild(w.fake, w.appId, { version: '1.0', buildNumber: '303' })
    const eventPath = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json')
    writeFileSync(eventPath, JSON.stringify({ head_commit: { message: 'Fix the login crash' } }))
    const run = await runBundle(
      ENTRY,
      {
        ...auth(w.fake),
        'app-id': w.appId,
        'build-number': '303',
        'what-to-test-from-commit': 'true'
      },
      { env: { GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: eventPath } }
    )
    expect(run.errors).toEqual([])
    expect(localizations(w.fake, run.outputs['build-id'])).toEqual([
      { locale: 'en-US', whatsNew: 'Fix the login crash' }
    ])
    expect(w.fake.violations).toEqual([])
  })

  it('leaves a processing build alone with a warning when not waiting', async () => {
    const w = await world()
    const build = seedBuild(w.fake, w.appId, { version: '1.0', buildNumber: '302' })
    scriptProcessing(w.fake, build.id, 'never')
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '302',
      'wait-for-processing': 'false',
      groups: 'QA'
    })
    expect(run.errors).toEqual([])
    expect(run.outputs['processing-state']).toBe('PROCESSING')
    expect(run.warnings).toEqual([
      expect.stringMatching(/still PROCESSING, so groups was not applied/)
    ])
    expect(changing(w.fake)).toEqual([])
  })
})

describe('distribute-to-testflight: bad input', () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    [
      'build-number',
      { 'app-id': '1' },
      /Input 'build-number': is required when ipa-path is not given/
    ],
    [
      'processing-timeout',
      { 'app-id': '1', 'build-number': '1', 'processing-timeout': '5 minutes' },
      /Input 'processing-timeout'/
    ],
    [
      'poll-interval',
      { 'app-id': '1', 'build-number': '1', 'poll-interval': 'often' },
      /Input 'poll-interval'/
    ],
    ['platform', { 'app-id': '1', 'build-number': '1', platform: 'android' }, /Input 'platform'/],
    [
      'what-to-test-file',
      { 'app-id': '1', 'build-number': '1', 'what-to-test-file': '__BAD__' },
      /Input 'what-to-test-file': .* is not valid JSON/
    ],
    [
      'ipa-path (missing)',
      { 'ipa-path': '/nonexistent/App.ipa' },
      /Input 'ipa-path': '\/nonexistent\/App.ipa' cannot be opened/
    ],
    [
      'ipa-path (not an ipa)',
      { 'ipa-path': '__NOTIPA__' },
      /Input 'ipa-path': .* cannot be read as an .ipa/
    ]
  ]
  it.each(cases)('%s: one ::error:: naming it, no change', async (_name, inputs, message) => {
    const w = await world()
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, '{"en-US": ')
    const notIpa = join(dir, 'NotAnApp.ipa')
    writeFileSync(notIpa, Buffer.concat([Buffer.from('PK'), Buffer.alloc(100)]))
    const resolved = Object.fromEntries(
      Object.entries(inputs).map(([k, v]) => [
        k,
        v === '__BAD__' ? bad : v === '__NOTIPA__' ? notIpa : v
      ])
    )
    const run = await distribute(w.fake, resolved)
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(message)
    expect(w.fake.requests.filter((r) => r.api)).toEqual([])
  })
})

describe('distribute-to-testflight: the job summary on every outcome', () => {
  /** The summary's status line: the first line after the heading. */
  const status = (run: ActionRun) => run.summary.split('\n').find((l) => /^(✅|⚠️|❌) /.test(l))

  it('on an unknown group: ❌ with the same message as the ::error::, nothing changed', async () => {
    const w = await world()
    seedBuild(w.fake, w.appId, { version: '1.0', buildNumber: '401' })
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '401',
      groups: 'Nobody'
    })
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.summary).toMatch(/^## Distribute to TestFlight$/m)
    expect(status(run)).toBe(`❌ ${run.errors[0]}`)
    expect(run.summary).toMatch(/Already done:\*\* nothing was changed\./)
    expect(run.summary).toMatch(/<details><summary>Requests<\/summary>/)
  })

  it('on a 401: ❌ with Apple’s refusal, nothing changed', async () => {
    const w = await world()
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '401',
      'key-id': 'ZZZZZZZZZZ'
    })
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(/401/)
    expect(status(run)).toBe(`❌ ${run.errors[0]}`)
    expect(run.summary).toMatch(/Already done:\*\* nothing was changed\./)
    expectNoSecrets(run, w.fake.keys.team.privateKey)
  })

  it('on a processing timeout: ❌ with the timeout and what was already done (notes set)', async () => {
    const w = await world()
    const build = seedBuild(w.fake, w.appId, { version: '1.0', buildNumber: '402' })
    scriptProcessing(w.fake, build.id, 'never')
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '402',
      'processing-timeout': '1s',
      'what-to-test': 'Try the new login',
      groups: 'External Testers'
    })
    expect(run.code).not.toBe(0)
    expect(status(run)).toBe(`❌ ${run.errors[0]}`)
    expect(run.errors[0]).toMatch(/still PROCESSING after .*processing-timeout/)
    expect(run.summary).toMatch(/Already done:\*\* notes set\./)
    expect(run.summary).toMatch(/What to Test:\*\* en-US \(created\)/)
    expect(localizations(w.fake, build.id)).toEqual([
      { locale: 'en-US', whatsNew: 'Try the new login' }
    ])
  })

  it('on success: ✅, links to the app, the build and the public link, Apple’s platform name', async () => {
    const w = await world()
    const build = seedBuild(w.fake, w.appId, { version: '1.0', buildNumber: '403' })
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '403',
      groups: 'External Testers',
      'public-link-group': 'Friends and Family'
    })
    expect(run.errors).toEqual([])
    expect(status(run)).toBe(
      '✅ Example 1.0 (403) is on TestFlight for External Testers and Friends and Family.'
    )
    expect(run.summary).toContain(`[Example](https://appstoreconnect.apple.com/apps/${w.appId})`)
    expect(run.summary).toContain(
      `[1.0 (403)](https://appstoreconnect.apple.com/apps/${w.appId}/testflight/ios/${build.id}) (${build.id}, uploaded `
    )
    expect(run.summary).toMatch(/, uploaded \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/)
    expect(run.summary).toMatch(/Platform:\*\* iOS/)
    expect(run.summary).toContain(
      `[${run.outputs['public-link']}](${run.outputs['public-link']}) (Friends and Family)`
    )
    expect(run.stdout).toMatch(
      /::notice title=TestFlight::Example 1\.0 \(403\) is on TestFlight for External Testers and Friends and Family\./
    )
  })

  it('on partial success (What to Test cut to 4,000 characters): ⚠️ and the cut in the summary', async () => {
    const w = await world()
    const build = seedBuild(w.fake, w.appId, { version: '1.0', buildNumber: '404' })
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '404',
      'what-to-test': 'word '.repeat(1000)
    })
    expect(run.code).toBe(0)
    expect(run.warnings).toEqual([expect.stringMatching(/has 4999 characters.*cut to/)])
    expect(run.stdout).toMatch(/::warning title=What to Test changed::/)
    expect(status(run)).toMatch(/^⚠️ Example 1\.0 \(404\) is on TestFlight\.$/)
    expect(run.summary).toMatch(/- What to Test \(en-US\) has 4999 characters/)
    expect(
      Array.from(String(localizations(w.fake, build.id)[0].whatsNew)).length
    ).toBeLessThanOrEqual(4000)
  })
})
