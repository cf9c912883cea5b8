import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { startFakeAsc, type FakeAsc } from '../../tools/fake-asc/index.js'
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
const temps: string[] = []

beforeEach(async () => {
  fake = await startFakeAsc()
})
afterEach(async () => {
  expect(fake.violations).toEqual([])
  await fake.close()
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true })
})

const auth = (kind: 'team' | 'individual' = 'team') => connectionInputs(fake, kind)

async function sync(
  inputs: Record<string, string>,
  options: { env?: Record<string, string>; kind?: 'team' | 'individual' } = {}
): Promise<ActionRun> {
  const run = await runBundle(
    'sync-profiles',
    { ...auth(options.kind), ...inputs },
    { keepTemp: true, env: options.env }
  )
  temps.push(run.temp)
  expectNoSecrets(run, fake.keys.team.privateKey)
  expectNoSecrets(run, fake.keys.individual.privateKey)
  return run
}

/** Changing requests during `fn`, as `METHOD /path`. */
async function changesDuring(
  fn: () => Promise<ActionRun>
): Promise<{ run: ActionRun; changes: string[] }> {
  const before = fake.changingRequests().length
  const run = await fn()
  return {
    run,
    changes: fake
      .changingRequests()
      .slice(before)
      .map((r) => `${r.method} ${r.path}`)
  }
}

function bundle(identifier: string): Resource {
  return fake.store.create('bundleIds', {
    name: identifier,
    identifier,
    platform: 'IOS',
    seedId: 'TEAM123456'
  })
}

function certificate(type: string, expiresInDays: number, name = type): Resource {
  return fake.store.create('certificates', {
    name,
    displayName: name,
    certificateType: type,
    serialNumber: Math.random().toString(16).slice(2, 18).toUpperCase(),
    platform: 'IOS',
    expirationDate: iso(expiresInDays),
    activated: true,
    certificateContent: ''
  })
}

function device(name: string, udid: string, status = 'ENABLED', deviceClass = 'IPHONE'): Resource {
  return fake.store.create('devices', {
    name,
    udid,
    platform: 'IOS',
    deviceClass,
    status,
    model: 'iPhone',
    addedDate: iso(-10)
  })
}

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

const profilesOf = (identifier: string, type?: string) =>
  fake.store
    .list('profiles')
    .filter(
      (p) =>
        fake.store.relatedIds(p, 'bundleId')[0]?.id ===
        fake.store.find('bundleIds', { identifier })?.id
    )
    .filter((p) => !type || p.attributes.profileType === type)

interface OutputProfile {
  name: string
  uuid: string
  'bundle-id': string
  'profile-type': string
  'expiration-date': string
  path: string
}

/** The App Store scenario: one bundle ID per case, and profiles that must not be touched. */
function seedAppStore() {
  const dist = certificate('DISTRIBUTION', 300, 'Apple Distribution: Example')
  const expired = certificate('DISTRIBUTION', -2, 'Apple Distribution: Old')
  const healthy = profile(
    'Healthy App Store',
    'IOS_APP_STORE',
    bundle('com.example.healthy'),
    [dist],
    { expirationDate: iso(200) }
  )
  const app = bundle('com.example.app')
  const expiring = profile('Shipping Profile', 'IOS_APP_STORE', app, [dist], {
    expirationDate: iso(10)
  })
  const adhocOfApp = profile(
    'App Ad Hoc (type not listed)',
    'IOS_APP_ADHOC',
    app,
    [dist],
    { expirationDate: iso(5) },
    [device('Phone', '00008110-000A1B2C3D4E5F60')]
  )
  const invalid = profile(
    'Broken Profile',
    'IOS_APP_STORE',
    bundle('com.example.invalid'),
    [dist],
    { profileState: 'INVALID', expirationDate: iso(100) }
  )
  bundle('com.example.new')
  const oldCert = profile(
    'Old Cert Profile',
    'IOS_APP_STORE',
    bundle('com.example.oldcert'),
    [expired],
    { expirationDate: iso(150) }
  )
  // Found by Apple's loose filter[identifier]=com.example.app, but not listed: never touched.
  const widget = profile(
    'Widget App Store',
    'IOS_APP_STORE',
    bundle('com.example.app.widget'),
    [dist],
    { expirationDate: iso(3) }
  )
  return { dist, expired, healthy, expiring, adhocOfApp, invalid, oldCert, widget }
}

const APP_STORE_INPUTS = {
  'bundle-ids':
    'com.example.healthy, com.example.app\ncom.example.invalid, com.example.new, com.example.oldcert',
  'profile-types': 'IOS_APP_STORE',
  install: 'true'
}

describe('sync-profiles, run as a runner runs it', () => {
  it('keeps, replaces and creates App Store profiles, installs them byte for byte, and a second run changes nothing', async () => {
    const seeded = seedAppStore()
    const untouched = [seeded.healthy, seeded.adhocOfApp, seeded.widget].map((p) =>
      structuredClone(p)
    )
    const { run, changes } = await changesDuring(() => sync(APP_STORE_INPUTS))
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)

    // Exactly: 3 replacements (create, then delete the old) and 1 creation.
    expect(changes.filter((c) => c === 'POST /v1/profiles')).toHaveLength(4)
    expect(changes.filter((c) => c.startsWith('DELETE /v1/profiles/')).sort()).toEqual(
      [seeded.expiring, seeded.invalid, seeded.oldCert]
        .map((p) => `DELETE /v1/profiles/${p.id}`)
        .sort()
    )
    expect(changes).toHaveLength(7)
    // Replacement order: the new profile exists before the old one is deleted.
    const order = fake.changingRequests().map((r) => `${r.method} ${r.path}`)
    expect(order.indexOf(`DELETE /v1/profiles/${seeded.expiring.id}`)).toBeGreaterThan(
      order.indexOf('POST /v1/profiles')
    )

    // Untouched: the healthy one, a profile of a type not listed, a profile of another bundle ID.
    for (const p of untouched) expect(fake.store.get('profiles', p.id)).toEqual(p)

    // The replacements keep the old names; the new one is named after its bundle ID and type.
    const names = (id: string) => profilesOf(id, 'IOS_APP_STORE').map((p) => p.attributes.name)
    expect(names('com.example.app')).toEqual(['Shipping Profile'])
    expect(names('com.example.invalid')).toEqual(['Broken Profile'])
    expect(names('com.example.oldcert')).toEqual(['Old Cert Profile'])
    expect(names('com.example.new')).toEqual(['com.example.new App Store'])
    // The expired certificate is never put in a new profile, whatever Apple's list says.
    for (const id of [
      'com.example.app',
      'com.example.invalid',
      'com.example.oldcert',
      'com.example.new'
    ])
      expect(
        fake.store.relatedIds(profilesOf(id, 'IOS_APP_STORE')[0], 'certificates').map((c) => c.id)
      ).toEqual([seeded.dist.id])

    // Outputs per the contract.
    const profiles = JSON.parse(run.outputs.profiles) as OutputProfile[]
    // The first profile's fields are outputs of their own too.
    expect(run.outputs.uuid).toBe(profiles[0].uuid)
    expect(run.outputs.name).toBe(profiles[0].name)
    expect(run.outputs.path).toBe(profiles[0].path)
    expect(run.outputs['profile-type']).toBe(profiles[0]['profile-type'])
    expect(profiles.map((p) => p['bundle-id']).sort()).toEqual([
      'com.example.app',
      'com.example.healthy',
      'com.example.invalid',
      'com.example.new',
      'com.example.oldcert'
    ])
    expect(run.outputs['created-count']).toBe('1')
    expect(run.outputs['renewed-count']).toBe('3')
    const healthyOut = profiles.find((p) => p['bundle-id'] === 'com.example.healthy')!
    expect(healthyOut).toMatchObject({
      name: 'Healthy App Store',
      uuid: seeded.healthy.attributes.uuid,
      'profile-type': 'IOS_APP_STORE',
      'expiration-date': seeded.healthy.attributes.expirationDate
    })

    // Files: <UUID>.mobileprovision in output-dir and both install folders, byte for byte.
    const home = join(run.temp, 'home')
    const folders = [
      join(run.temp, 'provisioning-profiles'),
      join(home, 'Library', 'MobileDevice', 'Provisioning Profiles'),
      join(home, 'Library', 'Developer', 'Xcode', 'UserData', 'Provisioning Profiles')
    ]
    for (const p of profiles) {
      const stored = fake.store.list('profiles').find((s) => s.attributes.uuid === p.uuid)!
      const bytes = Buffer.from(String(stored.attributes.profileContent), 'base64')
      expect(bytes.toString('utf8')).toContain(`<string>${p.uuid}</string>`)
      expect(p.path).toBe(join(folders[0], `${p.uuid}.mobileprovision`))
      for (const dir of folders)
        expect(readFileSync(join(dir, `${p.uuid}.mobileprovision`)).equals(bytes)).toBe(true)
    }
    for (const dir of folders)
      expect(readdirSync(dir).sort()).toEqual(
        profiles.map((p) => `${p.uuid}.mobileprovision`).sort()
      )

    // The job summary: bundle ID, type, name, UUID, expiry, action and why.
    expect(run.summary).toContain('| Bundle ID | Type | Name | UUID | Expires | Action | Why |')
    expect(run.summary).toMatch(
      /\| com\.example\.app \| IOS_APP_STORE \| Shipping Profile \| [0-9A-F-]{36} \| \d{4}-\d\d-\d\d \d\d:\d\d UTC \| replaced \| expires on .*within 30 days/
    )
    expect(run.summary).toMatch(/\| com\.example\.invalid \|.*\| replaced \| INVALID/)
    expect(run.summary).toMatch(
      /\| com\.example\.oldcert \|.*\| replaced \| holds no valid Apple Distribution/
    )
    expect(run.summary).toMatch(/\| com\.example\.new \|.*\| created \| no profile of this type/)
    expect(run.summary).toMatch(
      /\| com\.example\.healthy \| IOS_APP_STORE \| Healthy App Store \|.*\| kept \| valid until/
    )

    // A second run right after: nothing to change, no changing request, the same profiles.
    const second = await changesDuring(() => sync(APP_STORE_INPUTS))
    expect(second.run.code).toBe(0)
    expect(second.changes).toEqual([])
    expect(second.run.outputs['created-count']).toBe('0')
    expect(second.run.outputs['renewed-count']).toBe('0')
    expect(
      (JSON.parse(second.run.outputs.profiles) as OutputProfile[]).map((p) => p.uuid).sort()
    ).toEqual(profiles.map((p) => p.uuid).sort())
  })

  it('reads with the fewest requests: four lists, filtered, with include', async () => {
    seedAppStore()
    const before = fake.requests.length
    const run = await sync({ ...APP_STORE_INPUTS, 'dry-run': 'true' })
    expect(run.code).toBe(0)
    const reads = fake.requests.slice(before).map((r) => `${r.method} ${r.path}`)
    expect(reads.sort()).toEqual(['GET /v1/bundleIds', 'GET /v1/certificates', 'GET /v1/profiles'])
    const bundleIds = fake.requests.slice(before).find((r) => r.path === '/v1/bundleIds')!
    expect(bundleIds.query).toMatchObject({
      include: 'profiles',
      'filter[identifier]': expect.stringContaining('com.example.new')
    })
  })

  it('dry-run prints the plan and changes nothing: no changing request, no file', async () => {
    seedAppStore()
    const { run, changes } = await changesDuring(() =>
      sync({ ...APP_STORE_INPUTS, 'dry-run': 'true' })
    )
    expect(run.code).toBe(0)
    expect(changes).toEqual([])
    expect(run.stdout).toMatch(
      /replace +com\.example\.app IOS_APP_STORE 'Shipping Profile': expires on/
    )
    expect(run.stdout).toMatch(
      /create +com\.example\.new IOS_APP_STORE 'com\.example\.new App Store'/
    )
    expect(run.stdout).toMatch(/keep +com\.example\.healthy IOS_APP_STORE 'Healthy App Store'/)
    expect(existsSync(join(run.temp, 'provisioning-profiles'))).toBe(false)
    expect(existsSync(join(run.temp, 'home', 'Library'))).toBe(false)
    expect(run.summary).toContain(
      '✅ Dry run, nothing changed: kept 1, would create 1, would replace 3.'
    )
    expect(run.summary).toMatch(/\| com\.example\.app \|.*\| would replace \|/)
    expect(run.outputs['renewed-count']).toBe('3')
    expect(run.outputs['created-count']).toBe('1')
  })

  it('registers a new device from the devices file once and puts it in the development profile; a second run changes nothing', async () => {
    const dev = certificate('DEVELOPMENT', 300, 'Apple Development: Ada')
    certificate('DEVELOPMENT', -1, 'Apple Development: Expired')
    const phone = device("Ada's iPhone", '00008110-000A1B2C3D4E5F60')
    const pad = device("Alan's iPad", '00008103-001122334455667E', 'ENABLED', 'IPAD')
    device('Old iPod', 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', 'DISABLED', 'IPOD')
    device('Living room TV', '00008110-00AA00BB00CC00DD', 'ENABLED', 'APPLE_TV')
    const app = bundle('com.example.app')
    const old = profile(
      'App Development',
      'IOS_APP_DEVELOPMENT',
      app,
      [dev],
      { expirationDate: iso(200) },
      [phone, pad]
    )
    const file = join(mkdtempSync(join(tmpdir(), 'devices-')), 'devices.txt')
    const NEW_UDID = '00008120-0011AA22BB33CC44'
    writeFileSync(
      file,
      [
        'Device ID\tDevice Name\tDevice Platform',
        '# already registered:',
        `${phone.attributes.udid}\tAda's iPhone\tios`,
        '',
        `${NEW_UDID}\tGrace's iPhone 16\tios`,
        ''
      ].join('\n')
    )
    try {
      const inputs = {
        'bundle-ids': 'com.example.app',
        'profile-types': 'IOS_APP_DEVELOPMENT',
        'devices-file': file
      }
      const { run, changes } = await changesDuring(() => sync(inputs))
      expect(run.errors).toEqual([])
      expect(run.code).toBe(0)
      expect(changes).toEqual([
        'POST /v1/devices',
        'POST /v1/profiles',
        `DELETE /v1/profiles/${old.id}`
      ])
      const registered = fake.store.find('devices', { udid: NEW_UDID })!
      expect(registered.attributes).toMatchObject({
        name: "Grace's iPhone 16",
        platform: 'IOS',
        status: 'ENABLED'
      })
      const [now] = profilesOf('com.example.app', 'IOS_APP_DEVELOPMENT')
      expect(now.attributes.name).toBe('App Development')
      // Every enabled iOS device (not the disabled iPod, not the Apple TV), the new one included.
      expect(
        fake.store
          .relatedIds(now, 'devices')
          .map((d) => d.id)
          .sort()
      ).toEqual([phone.id, pad.id, registered.id].sort())
      expect(fake.store.relatedIds(now, 'certificates').map((c) => c.id)).toEqual([dev.id])
      expect(run.summary).toMatch(/replaced \| lacks 1 enabled device \(Grace's iPhone 16\)/)
      expect(run.summary).toContain(`Grace's iPhone 16 (${NEW_UDID})`)

      const second = await changesDuring(() => sync(inputs))
      expect(second.run.code).toBe(0)
      expect(second.changes).toEqual([])
      expect(fake.store.list('devices').filter((d) => d.attributes.udid === NEW_UDID)).toHaveLength(
        1
      )
    } finally {
      rmSync(dirname(file), { recursive: true, force: true })
    }
  })

  it('replaces delete-first when Apple refuses a second profile of the same name', async () => {
    ;(fake.state.provisioning as { rejectDuplicateNames: boolean }).rejectDuplicateNames = true
    const dist = certificate('DISTRIBUTION', 300)
    const old = profile('Shipping Profile', 'IOS_APP_STORE', bundle('com.example.app'), [dist], {
      expirationDate: iso(5)
    })
    const { run, changes } = await changesDuring(() =>
      sync({ 'bundle-ids': 'com.example.app', 'profile-types': 'IOS_APP_STORE' })
    )
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(changes).toEqual([
      'POST /v1/profiles',
      `DELETE /v1/profiles/${old.id}`,
      'POST /v1/profiles'
    ])
    expect(profilesOf('com.example.app').map((p) => p.attributes.name)).toEqual([
      'Shipping Profile'
    ])
    expect(run.outputs['renewed-count']).toBe('1')
  })

  it('refuses an individual key before any request, saying why', async () => {
    seedAppStore()
    const before = fake.requests.length
    const run = await sync(APP_STORE_INPUTS, { kind: 'individual' })
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(
      /issuer-id.*individual API key.*Apple allows provisioning .*only with a team key/
    )
    expect(fake.requests.length).toBe(before)
  })

  describe('bad input: one ::error:: before any change', () => {
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      [
        'an unknown profile type',
        { 'profile-types': 'IOS_APP_STORE, IOS_APPSTORE' },
        /profile-types.*'IOS_APPSTORE' is not one of Apple's profile types.*IOS_APP_STORE/
      ],
      [
        'a bundle ID not found',
        { 'bundle-ids': 'com.example.ap, com.example.healthy' },
        /no bundle ID 'com\.example\.ap' is registered on this team \(nearest: com\.example\.app/
      ],
      [
        'no valid certificate of the needed kind',
        { 'profile-types': 'IOS_APP_DEVELOPMENT' },
        /IOS_APP_DEVELOPMENT for com\.example\.\w+ needs a valid Apple Development .*DEVELOPMENT or IOS_DEVELOPMENT.*Certificates > \+/
      ]
    ]
    it.each(cases)('%s', async (_, inputs, message) => {
      seedAppStore()
      device('Phone 2', '00008110-000A1B2C3D4E5F61')
      const { run, changes } = await changesDuring(() => sync({ ...APP_STORE_INPUTS, ...inputs }))
      expect(run.code).not.toBe(0)
      expect(run.errors).toHaveLength(1)
      expect(run.errors[0]).toMatch(message)
      expect(changes).toEqual([])
    })

    it('a malformed devices file, with the line number', async () => {
      seedAppStore()
      const dir = mkdtempSync(join(tmpdir(), 'devices-'))
      try {
        writeFileSync(
          join(dir, 'devices.txt'),
          'Device ID\tDevice Name\n00008110-000A1B2C3D4E5F60\tPhone\nnot a udid\tBad\n'
        )
        const before = fake.requests.length
        const run = await sync({ ...APP_STORE_INPUTS, 'devices-file': join(dir, 'devices.txt') })
        expect(run.code).not.toBe(0)
        expect(run.errors).toEqual([
          expect.stringMatching(/devices-file.*line 3: 'not a udid' is not a device UDID/)
        ])
        expect(fake.requests.length).toBe(before)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })

  it('cache: restore without a cache service warns and syncs through the API', async () => {
    seedAppStore()
    const { run, changes } = await changesDuring(() =>
      sync(
        { ...APP_STORE_INPUTS, cache: 'restore' },
        { env: { ACTIONS_CACHE_URL: '', ACTIONS_RESULTS_URL: '' } }
      )
    )
    expect(run.code).toBe(0)
    expect(run.warnings).toEqual([
      expect.stringMatching(/cache service is not available.*syncing through the API/)
    ])
    expect(changes.length).toBe(7)
    expect(JSON.parse(run.outputs.profiles)).toHaveLength(5)
  })
})
