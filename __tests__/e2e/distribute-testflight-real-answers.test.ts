// distribute-to-testflight against the fake answering as App Store Connect really does (issue 16,
// 10.7): internal groups that get every build, What to Test while processing, two runs creating the
// public link group at once, locales App Store Connect does not support.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeAsc, type FakeAsc } from '../../tools/fake-asc/index.js'
import { scriptProcessing, seedBuild } from '../../tools/fake-asc/domains/testflight.js'
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
  dir = mkdtempSync(join(tmpdir(), 'tf-real-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterEach(async () => {
  expect(fake?.violations ?? []).toEqual([])
  await fake?.close()
  fake = undefined
})

async function world() {
  fake = await startFakeAsc()
  const f = fake
  const app = f.store.create('apps', {
    name: 'Example',
    bundleId: 'com.example.app',
    sku: 'EX',
    primaryLocale: 'en-US'
  })
  const group = (name: string, attributes: Record<string, unknown>) =>
    f.store.create('betaGroups', { name, publicLinkEnabled: false, ...attributes }, { app }).id
  const groups = {
    // Apple's default for an internal group: it gets every build by itself.
    qa: group('QA', { isInternalGroup: true, hasAccessToAllBuilds: true }),
    external: group('External Testers', { isInternalGroup: false, hasAccessToAllBuilds: false }),
    friends: group('Friends and Family', { isInternalGroup: false, hasAccessToAllBuilds: false })
  }
  return { fake: f, appId: app.id, groups }
}

function distribute(f: FakeAsc, inputs: Record<string, string>): Promise<ActionRun> {
  return runBundle(
    ENTRY,
    { 'poll-interval': '200ms', ...connectionInputs(f), ...inputs },
    { timeoutMs: 90_000 }
  ).then((run) => {
    expectNoSecrets(run, f.keys.team.privateKey)
    return run
  })
}

const changing = (f: FakeAsc) =>
  f.changingRequests().map((r) => r.operation ?? `${r.method} ${r.path}`)
const groupsOf = (f: FakeAsc, buildId: string) =>
  f.store
    .relatedIds({ type: 'builds', id: buildId }, 'betaGroups')
    .map((g) => g.id)
    .sort()
const notices = (run: ActionRun) => run.stdout.split('\n').filter((l) => l.startsWith('::notice'))

describe('distribute-to-testflight: internal groups that get every build', () => {
  it('links only the external groups, reports QA as having every build, and sets the outputs', async () => {
    const w = await world()
    const build = seedBuild(w.fake, w.appId, { version: '1.2.0', buildNumber: '42' })
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '42',
      groups: 'QA, External Testers, Friends and Family'
    })
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(groupsOf(w.fake, build.id)).toEqual([w.groups.external, w.groups.friends].sort())
    expect(changing(w.fake)).toEqual(['POST /v1/builds/{id}/relationships/betaGroups'])
    expect(run.outputs['build-id']).toBe(build.id)
    expect(run.stdout).toMatch(/'QA' is an internal group that has every build/)
    expect(run.summary).toMatch(
      /Groups:\*\* External Testers \(added\), Friends and Family \(added\), QA \(has every build\)/
    )
    expect(run.summary).toMatch(/^✅ Example 1\.2\.0 \(42\) is on TestFlight for /m)
    expect(notices(run)).toEqual([
      expect.stringMatching(
        /title=TestFlight::Example 1\.2\.0 \(42\) is on TestFlight for External Testers, Friends and Family and QA\./
      )
    ])
  })

  it('the fake refuses giving a build to such a group, as Apple does (422)', async () => {
    const w = await world()
    const build = seedBuild(w.fake, w.appId, { version: '1.2.0', buildNumber: '42' })
    const res = await fetch(`${w.fake.url}/v1/builds/${build.id}/relationships/betaGroups`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await w.fake.token()}`,
        'content-type': 'application/json'
      },
      body: JSON.stringify({ data: [{ type: 'betaGroups', id: w.groups.qa }] })
    })
    expect(res.status).toBe(422)
    const body = (await res.json()) as { errors: Array<{ code: string; detail: string }> }
    expect(body.errors[0]).toMatchObject({
      code: 'ENTITY_UNPROCESSABLE',
      detail: 'Builds cannot be assigned to this internal group.'
    })
    expect(groupsOf(w.fake, build.id)).toEqual([])
  })
})

describe('distribute-to-testflight: What to Test while the build processes', () => {
  it('sets the notes while PROCESSING and skips groups with one warning, also in the summary', async () => {
    const w = await world()
    const build = seedBuild(w.fake, w.appId, { version: '1.2.0', buildNumber: '43' })
    scriptProcessing(w.fake, build.id, 'never')
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '43',
      'wait-for-processing': 'false',
      'what-to-test': 'Try the new login',
      groups: 'External Testers'
    })
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(w.fake.store.get('builds', build.id)?.attributes.processingState).toBe('PROCESSING')
    const notes = w.fake.store
      .list(
        'betaBuildLocalizations',
        (l) => w.fake.store.relatedIds(l, 'build')[0]?.id === build.id
      )
      .map((l) => [l.attributes.locale, l.attributes.whatsNew])
    expect(notes).toEqual([['en-US', 'Try the new login']])
    expect(groupsOf(w.fake, build.id)).toEqual([])
    expect(changing(w.fake)).toEqual(['POST /v1/betaBuildLocalizations'])
    expect(run.warnings).toEqual([
      expect.stringMatching(
        /still PROCESSING, so groups was not applied \(wait-for-processing is false\)/
      )
    ])
    expect(run.stdout).toMatch(/::warning title=Configuration skipped::/)
    expect(run.outputs['processing-state']).toBe('PROCESSING')
    expect(run.summary).toMatch(/^⚠️ Example 1\.2\.0 \(43\) is PROCESSING/m)
    expect(run.summary).toMatch(/What to Test:\*\* en-US \(created\)/)
    expect(run.summary).toMatch(
      /Skipped: groups: the build is PROCESSING and wait-for-processing is false/
    )
  })

  it('writes the notes before the build is VALID when it waits, then gives it to the group', async () => {
    const w = await world()
    const build = seedBuild(w.fake, w.appId, { version: '1.2.0', buildNumber: '44' })
    scriptProcessing(w.fake, build.id, { after: 2 })
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '44',
      'what-to-test': 'Try the new login',
      groups: 'External Testers'
    })
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/What to Test set for en-US \(build PROCESSING\)/)
    expect(groupsOf(w.fake, build.id)).toEqual([w.groups.external])
    expect(changing(w.fake)).toEqual([
      'POST /v1/betaBuildLocalizations',
      'POST /v1/builds/{id}/relationships/betaGroups'
    ])
  })
})

describe('distribute-to-testflight: two runs creating the public link group at once', () => {
  it('ends with one group, both runs exit 0 with the same public link', async () => {
    const w = await world()
    const build = seedBuild(w.fake, w.appId, { version: '2.0', buildNumber: '7' })
    // Both runs read the app's groups before either creates one: the race Apple does not prevent.
    w.fake.faults.add({
      method: 'GET',
      path: '/v1/betaGroups',
      kind: 'latency',
      ms: 2500,
      times: 2
    })
    const inputs = { 'app-id': w.appId, 'build-number': '7', 'public-link-group': 'Beta Link' }
    const runs = await Promise.all([distribute(w.fake, inputs), distribute(w.fake, inputs)])
    for (const run of runs) {
      expect(run.errors).toEqual([])
      expect(run.code).toBe(0)
    }
    const named = w.fake.store.list('betaGroups', (g) => g.attributes.name === 'Beta Link')
    expect(named).toHaveLength(1)
    expect(named[0].attributes.publicLinkEnabled).toBe(true)
    expect(runs[0].outputs['public-link']).toBe(named[0].attributes.publicLink)
    expect(runs[1].outputs['public-link']).toBe(runs[0].outputs['public-link'])
    expect(groupsOf(w.fake, build.id)).toEqual([named[0].id])
    const made = changing(w.fake)
    expect(made.filter((r) => r === 'POST /v1/betaGroups')).toHaveLength(2)
    expect(made.filter((r) => r === 'DELETE /v1/betaGroups/{id}')).toHaveLength(1)
  })
})

describe('distribute-to-testflight: What to Test locales', () => {
  it('refuses zz-ZZ and en-UK before any change, with one error naming the file input and the nearest', async () => {
    const w = await world()
    seedBuild(w.fake, w.appId, {
      version: '1.2.0',
      buildNumber: '45',
      usesNonExemptEncryption: null
    })
    const file = join(dir, 'notes.json')
    writeFileSync(file, JSON.stringify({ 'en-US': 'New login', 'en-UK': 'New login' }))
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '45',
      'uses-non-exempt-encryption': 'false',
      'what-to-test-file': file
    })
    expect(run.code).not.toBe(0)
    expect(run.errors).toEqual([
      expect.stringMatching(
        /^Input 'what-to-test-file': .*has 'en-UK', which App Store Connect does not support for What to Test; the nearest are en-GB, /
      )
    ])
    expect(changing(w.fake)).toEqual([])
    expect(run.summary).toMatch(/^❌ Input 'what-to-test-file': /m)
    expect(run.summary).toMatch(/Already done:\*\* nothing was changed/)
  })

  it('accepts a UTF-8 byte-order mark and spells locales as Apple does', async () => {
    const w = await world()
    const build = seedBuild(w.fake, w.appId, { version: '1.2.0', buildNumber: '46' })
    const file = join(dir, 'bom.json')
    writeFileSync(file, '\uFEFF' + JSON.stringify({ 'de-de': 'Neues Login' }))
    const run = await distribute(w.fake, {
      'app-id': w.appId,
      'build-number': '46',
      'what-to-test-file': file
    })
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    const notes = w.fake.store
      .list(
        'betaBuildLocalizations',
        (l) => w.fake.store.relatedIds(l, 'build')[0]?.id === build.id
      )
      .map((l) => [l.attributes.locale, l.attributes.whatsNew])
    expect(notes).toEqual([['de-DE', 'Neues Login']])
  })
})
