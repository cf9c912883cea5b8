// sync-profiles against hostile and real-world answers (issues 10, 16), bundle IDs and
// capabilities (issue 12), and the summary on every outcome (issue 17): the bundle runs against the
// fake, and the tests check what reaches the network and the disk.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { registerDomain, startFakeAsc, type FakeAsc } from '../../tools/fake-asc/index.js'
import { seedProfile } from '../../tools/fake-asc/domains/provisioning.js'
import type { Resource } from '../../tools/fake-asc/store.js'
import {
  connectionInputs,
  expectNoSecrets,
  runBundle,
  type ActionRun
} from '../../tools/e2e-harness.js'

const DAY = 86_400_000
const iso = (days: number) => new Date(Date.now() + days * DAY).toISOString()

let fake: FakeAsc
let root: string

beforeEach(async () => {
  fake = await startFakeAsc()
  root = mkdtempSync(join(tmpdir(), 'sync-profiles-hardening-'))
})
afterEach(async () => {
  expect(fake.violations).toEqual([])
  await fake.close()
  rmSync(root, { recursive: true, force: true })
})

async function sync(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const run = await runBundle(
    'sync-profiles',
    { ...connectionInputs(fake, 'team'), 'output-dir': join(root, 'out'), ...inputs },
    { env: { HOME: join(root, 'home'), ...env } }
  )
  expectNoSecrets(run, fake.keys.team.privateKey)
  // Server text never starts a workflow command of its own.
  for (const line of run.stdout.split('\n'))
    if (line.startsWith('::'))
      expect(line).toMatch(
        /^::(error|warning title=Sync profiles|notice title=Sync profiles|group|endgroup|add-mask|debug)/
      )
  return run
}

/** Changing requests made during `fn`, as `METHOD /path`. */
async function changes(
  fn: () => Promise<ActionRun>
): Promise<{ run: ActionRun; writes: string[] }> {
  const before = fake.changingRequests().length
  const run = await fn()
  return {
    run,
    writes: fake
      .changingRequests()
      .slice(before)
      .map((r) => `${r.method} ${r.path}`)
  }
}

const bundle = (identifier: string) =>
  fake.store.create('bundleIds', {
    name: identifier,
    identifier,
    platform: 'IOS',
    seedId: 'TEAM123456'
  })

const certificate = (type: string) =>
  fake.store.create('certificates', {
    name: type,
    displayName: type,
    certificateType: type,
    serialNumber: `SERIAL${type}`,
    platform: 'IOS',
    expirationDate: iso(300),
    activated: true,
    certificateContent: ''
  })

const device = (n: number) =>
  fake.store.create('devices', {
    name: `iPhone ${n}`,
    udid: `00008110-${String(n).padStart(16, '0')}`,
    platform: 'IOS',
    deviceClass: 'IPHONE',
    status: 'ENABLED',
    model: 'iPhone',
    addedDate: iso(-10)
  })

function profile(
  name: string,
  profileType: string,
  bundleId: Resource,
  certificates: Resource[],
  overrides: Record<string, unknown> = {},
  devices: Resource[] = []
): Resource {
  return seedProfile(fake.store, { name, profileType, bundleId, certificates, devices, overrides })
}

const named = (name: string) => fake.store.list('profiles', (p) => p.attributes.name === name)

/** Every file under `dir`, relative. */
function files(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort()
}

describe('server text is a file name (10.2)', () => {
  it('refuses a profile UUID that is not UUID-shaped and writes nothing outside the output folders', async () => {
    const app = bundle('com.example.app')
    profile('Shipping', 'IOS_APP_STORE', app, [certificate('DISTRIBUTION')], {
      uuid: '../../escaped',
      expirationDate: iso(200)
    })
    const run = await sync({
      'bundle-ids': 'com.example.app',
      'profile-types': 'IOS_APP_STORE',
      install: 'true'
    })
    expect(run.code).not.toBe(0)
    expect(run.errors).toEqual([
      expect.stringMatching(
        /profile UUID \('\.\.\/\.\.\/escaped'\).*not a safe file name; nothing was written/
      )
    ])
    expect(files(root)).toEqual([])
    expect(run.summary).toContain(`❌ ${run.errors[0]}`)
  })

  it("never deletes a file outside the install folders named by an old profile's UUID", async () => {
    const app = bundle('com.example.app')
    // The old profile's UUID points from the install folder to a file of the user's.
    const victim = join(root, 'victim.mobileprovision')
    mkdirSync(root, { recursive: true })
    writeFileSync(victim, 'keep me')
    profile('Shipping', 'IOS_APP_STORE', app, [certificate('DISTRIBUTION')], {
      uuid: '../../../../victim',
      expirationDate: iso(3)
    })
    const run = await sync({
      'bundle-ids': 'com.example.app',
      'profile-types': 'IOS_APP_STORE',
      install: 'true'
    })
    expect(run.code).not.toBe(0)
    expect(run.errors).toEqual([
      expect.stringMatching(/profile UUID \('\.\.\/\.\.\/\.\.\/\.\.\/victim'\)/)
    ])
    expect(existsSync(victim)).toBe(true)
    expect(files(root)).toEqual(['victim.mobileprovision'])
    // What was done before the refusal is in the summary.
    expect(run.summary).toMatch(
      /### Already done\n\n- replaced 'Shipping' \(IOS_APP_STORE, com\.example\.app\)/
    )
  })
})

describe('local outputs are checked first (10.6)', () => {
  it('an output-dir that is a regular file fails before any change', async () => {
    bundle('com.example.app')
    certificate('DISTRIBUTION')
    const file = join(root, 'out')
    writeFileSync(file, 'not a folder')
    const { run, writes } = await changes(() =>
      sync({
        'bundle-ids': 'com.example.app',
        'profile-types': 'IOS_APP_STORE',
        'output-dir': file
      })
    )
    expect(run.code).not.toBe(0)
    expect(run.errors).toEqual([expect.stringMatching(/output-dir.*is a file; name a folder/)])
    expect(writes).toEqual([])
    expect(fake.requests.filter((r) => r.api)).toEqual([])
    expect(run.summary).toContain('Nothing was changed.')
  })
})

describe("Apple's relationship paging is not trusted (16.2)", () => {
  it('a development profile holding more than 50 devices is kept on a rerun', async () => {
    const app = bundle('com.example.app')
    const devices = Array.from({ length: 60 }, (_, i) => device(i))
    profile(
      'Dev',
      'IOS_APP_DEVELOPMENT',
      app,
      [certificate('DEVELOPMENT')],
      { expirationDate: iso(200) },
      devices
    )
    const { run, writes } = await changes(() =>
      sync({ 'bundle-ids': 'com.example.app', 'profile-types': 'IOS_APP_DEVELOPMENT' })
    )
    expect(run.code).toBe(0)
    expect(writes).toEqual([])
    expect(run.summary).toMatch(/\| Dev \|.*\| kept \|/)
    // The fake answered Apple's shape: total 0 on a relationship with 50 items.
    const listing = fake.requests.find((r) => r.path === '/v1/profiles' && r.method === 'GET')
    expect(listing?.query['limit[devices]']).toBe('50')
    expect(
      fake.requests.some((r) => /\/v1\/profiles\/.+\/relationships\/devices/.test(r.path))
    ).toBe(true)
  })

  it('a bundle ID with more than 50 profiles gets no duplicate', async () => {
    const app = bundle('com.example.app')
    const dist = certificate('DISTRIBUTION')
    for (let i = 0; i < 55; i++)
      profile(`Ad hoc ${i}`, 'IOS_APP_ADHOC', app, [dist], { expirationDate: iso(200) }, [
        device(i)
      ])
    profile('Shipping', 'IOS_APP_STORE', app, [dist], { expirationDate: iso(200) })
    const { run, writes } = await changes(() =>
      sync({ 'bundle-ids': 'com.example.app', 'profile-types': 'IOS_APP_STORE' })
    )
    expect(run.code).toBe(0)
    expect(writes).toEqual([])
    expect(
      fake.store.list('profiles', (p) => p.attributes.profileType === 'IOS_APP_STORE')
    ).toHaveLength(1)
    expect(JSON.parse(run.outputs.profiles)).toEqual([
      expect.objectContaining({ name: 'Shipping' })
    ])
  })
})

describe('dates without a colon in the offset (16.3)', () => {
  it('reads +0000 expiry dates to the right instant: the expiring one is replaced, the rest kept', async () => {
    ;(fake.state.provisioning as { offsetWithoutColon: boolean }).offsetWithoutColon = true
    const dist = certificate('DISTRIBUTION')
    profile('Soon', 'IOS_APP_STORE', bundle('com.example.soon'), [dist], {
      expirationDate: iso(10)
    })
    profile('Later', 'IOS_APP_STORE', bundle('com.example.later'), [dist], {
      expirationDate: iso(200)
    })
    const inputs = {
      'bundle-ids': 'com.example.soon, com.example.later',
      'profile-types': 'IOS_APP_STORE'
    }
    const { run, writes } = await changes(() => sync(inputs))
    expect(run.code).toBe(0)
    expect(writes.sort()).toEqual([
      expect.stringMatching(/^DELETE \/v1\/profiles\//),
      'POST /v1/profiles'
    ])
    expect(run.summary).toMatch(
      /\| Soon \|.*\| \d{4}-\d\d-\d\d \d\d:\d\d UTC \| replaced \| expires on \d{4}-\d\d-\d\d \d\d:\d\d UTC, within 30 days/
    )
    expect(run.summary).toMatch(/\| Later \|.*\| kept \|/)
    expect(JSON.parse(run.outputs.profiles)[0]['expiration-date']).toMatch(/\+0000$/)
    expect((await changes(() => sync(inputs))).writes).toEqual([])
  })
})

describe('races with other jobs (16.6, 16.7)', () => {
  it('two renewals at once leave one profile of the name, and both exit 0 with it', async () => {
    const app = bundle('com.example.app')
    profile('Shipping', 'IOS_APP_STORE', app, [certificate('DISTRIBUTION')], {
      expirationDate: iso(2)
    })
    // Hold each create until both runs have sent theirs, so they really race.
    let waiting: Array<() => void> = []
    registerDomain(fake, {
      name: 'barrier',
      routes: [
        {
          method: 'POST',
          path: '/v1/profiles',
          handle: () =>
            new Promise((resolve) => {
              waiting.push(() => resolve(undefined))
              if (waiting.length === 2) {
                waiting.forEach((w) => w())
                waiting = []
              }
              setTimeout(() => resolve(undefined), 10_000).unref()
            })
        }
      ]
    })
    const inputs = { 'bundle-ids': 'com.example.app', 'profile-types': 'IOS_APP_STORE' }
    const [a, b] = await Promise.all([sync(inputs), sync(inputs, {})])
    expect([a.code, b.code]).toEqual([0, 0])
    expect(
      fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/profiles')
    ).toHaveLength(2)
    const left = named('Shipping')
    expect(left).toHaveLength(1)
    expect(JSON.parse(a.outputs.profiles)[0].uuid).toBe(left[0].attributes.uuid)
    expect(JSON.parse(b.outputs.profiles)[0].uuid).toBe(left[0].attributes.uuid)
    expect(`${a.summary}${b.summary}`).toContain(
      'another run made the same profile at the same time'
    )
  })

  it('a create answered "already exists" is followed by a read, not a failure', async () => {
    const app = bundle('com.example.app')
    const dist = certificate('DISTRIBUTION')
    ;(fake.state.provisioning as { rejectDuplicateNames: boolean }).rejectDuplicateNames = true
    // Another job creates the same profile just before ours arrives.
    registerDomain(fake, {
      name: 'other-job',
      routes: [
        {
          method: 'POST',
          path: '/v1/profiles',
          handle: () => {
            if (!named('com.example.app App Store').length)
              profile('com.example.app App Store', 'IOS_APP_STORE', app, [dist])
            return undefined
          }
        }
      ]
    })
    const run = await sync({ 'bundle-ids': 'com.example.app', 'profile-types': 'IOS_APP_STORE' })
    expect(run.code).toBe(0)
    expect(named('com.example.app App Store')).toHaveLength(1)
    expect(JSON.parse(run.outputs.profiles)[0].uuid).toBe(
      named('com.example.app App Store')[0].attributes.uuid
    )
    expect(run.summary).toContain('made meanwhile by another run')
  })

  it('a profile deleted by another job after our list is recreated under its old name', async () => {
    const app = bundle('com.example.app')
    const old = profile('Shipping', 'IOS_APP_STORE', app, [certificate('DISTRIBUTION')], {
      expirationDate: iso(2)
    })
    registerDomain(fake, {
      name: 'vanish',
      routes: [
        {
          method: 'POST',
          path: '/v1/profiles',
          handle: () => {
            fake.store.delete('profiles', old.id)
            return undefined
          }
        }
      ]
    })
    const run = await sync({ 'bundle-ids': 'com.example.app', 'profile-types': 'IOS_APP_STORE' })
    expect(run.code).toBe(0)
    expect(named('Shipping')).toHaveLength(1)
    expect(named('Shipping')[0].id).not.toBe(old.id)
    expect(run.summary).toContain('was already gone')
  })
})

describe('bundle IDs and capabilities (12)', () => {
  it('registers a missing bundle ID with its capabilities and a profile; a rerun changes nothing', async () => {
    certificate('DISTRIBUTION')
    const inputs = {
      'bundle-ids': 'com.example.fresh-app',
      'profile-types': 'IOS_APP_STORE',
      'register-bundle-ids': 'true',
      capabilities: 'push-notifications, APP_GROUPS'
    }
    const { run, writes } = await changes(() => sync(inputs))
    expect(run.code).toBe(0)
    expect(writes).toEqual([
      'POST /v1/bundleIds',
      'POST /v1/bundleIdCapabilities',
      'POST /v1/bundleIdCapabilities',
      'POST /v1/profiles'
    ])
    const created = fake.store.find('bundleIds', { identifier: 'com.example.fresh-app' })!
    expect(created.attributes).toMatchObject({ name: 'com example fresh app', platform: 'IOS' })
    expect(
      fake.store
        .related(created, 'bundleIdCapabilities', 'bundleIdCapabilities')
        .map((c) => c.attributes.capabilityType)
        .sort()
    ).toEqual(['APP_GROUPS', 'PUSH_NOTIFICATIONS'])
    expect(run.summary).toContain('**Bundle IDs registered:** com.example.fresh-app (IOS)')
    expect(run.stdout).toContain('::notice title=Sync profiles::1 profile(s) ready')
    expect((await changes(() => sync(inputs))).writes).toEqual([])
  })

  it('enables missing capabilities and replaces the profiles Apple invalidated, keeping their names', async () => {
    const app = bundle('com.example.app')
    fake.store.create(
      'bundleIdCapabilities',
      { capabilityType: 'IN_APP_PURCHASE' },
      { bundleId: app }
    )
    const old = profile('Shipping', 'IOS_APP_STORE', app, [certificate('DISTRIBUTION')], {
      expirationDate: iso(200)
    })
    const inputs = {
      'bundle-ids': 'com.example.app',
      'profile-types': 'IOS_APP_STORE',
      capabilities: 'IN_APP_PURCHASE, PUSH_NOTIFICATIONS'
    }
    const dry = await changes(() => sync({ ...inputs, 'dry-run': 'true' }))
    expect(dry.writes).toEqual([])
    expect(dry.run.summary).toContain(
      '**Capabilities that would be enabled:** PUSH_NOTIFICATIONS on com.example.app'
    )
    expect(dry.run.summary).toMatch(
      /\| Shipping \|.*\| would replace \| enabling PUSH_NOTIFICATIONS turns it INVALID/
    )

    const before = fake.requests.length
    const { run, writes } = await changes(() => sync(inputs))
    expect(run.code).toBe(0)
    expect(writes).toEqual([
      'POST /v1/bundleIdCapabilities',
      'POST /v1/profiles',
      `DELETE /v1/profiles/${old.id}`
    ])
    // The minimum: bundle IDs with capabilities and profiles included, certificates, profiles,
    // the writes, and one look again after creating.
    expect(
      fake.requests
        .slice(before)
        .filter((r) => r.api)
        .map((r) => `${r.method} ${r.path}`)
        .sort()
    ).toEqual(
      [
        'GET /v1/bundleIds',
        'GET /v1/certificates',
        'GET /v1/profiles',
        'GET /v1/profiles',
        ...writes
      ].sort()
    )
    const bundleRead = fake.requests.find((r) => r.method === 'GET' && r.path === '/v1/bundleIds')!
    expect(bundleRead.query.include).toBe('profiles,bundleIdCapabilities')
    const now = named('Shipping')
    expect(now).toHaveLength(1)
    expect(now[0].attributes.profileState).toBe('ACTIVE')
    expect((await changes(() => sync(inputs))).writes).toEqual([])
  })

  it('refuses an unknown capability type with the nearest one, before any request', async () => {
    const run = await sync({
      'bundle-ids': 'com.example.app',
      'profile-types': 'IOS_APP_STORE',
      capabilities: 'PUSH_NOTIFICATION'
    })
    expect(run.code).not.toBe(0)
    expect(run.errors).toEqual([
      expect.stringMatching(
        /capabilities.*'PUSH_NOTIFICATION' is not one of Apple's capability types \(did you mean PUSH_NOTIFICATIONS/
      )
    ])
    expect(fake.requests.filter((r) => r.api)).toEqual([])
  })
})

describe('the summary on every outcome (17)', () => {
  it('a failure after some changes shows the error and what was already done', async () => {
    certificate('DISTRIBUTION')
    fake.faults.add({ method: 'POST', path: '/v1/profiles', kind: 'status', status: 403, times: 5 })
    const run = await sync({
      'bundle-ids': 'com.example.fresh',
      'profile-types': 'IOS_APP_STORE',
      'register-bundle-ids': 'true',
      capabilities: 'PUSH_NOTIFICATIONS'
    })
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.summary).toContain(`## Sync profiles\n\n❌ ${run.errors[0]}`)
    expect(run.summary).toContain(
      '### Already done\n\n- registered bundle ID com.example.fresh\n- enabled PUSH_NOTIFICATIONS on com.example.fresh'
    )
  })

  it('a partial success is ⚠️ with the warning, titled, in the log and the summary', async () => {
    bundle('com.example.app')
    certificate('DISTRIBUTION')
    const run = await sync({
      'bundle-ids': 'com.example.app',
      'profile-types': 'IOS_APP_STORE',
      'create-missing': 'false'
    })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(
      '::warning title=Sync profiles::com.example.app has no IOS_APP_STORE profile'
    )
    expect(run.summary).toContain('⚠️ 0 profile(s) ready: skipped 1.')
    expect(run.summary).toContain('**Warnings:** com.example.app has no IOS_APP_STORE profile')
  })
})
