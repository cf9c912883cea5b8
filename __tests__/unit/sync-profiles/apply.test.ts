import { describe, expect, it } from '@jest/globals'
import { ApiError } from '../../../src/shared/asc/errors.js'
import { ConfigurationError } from '../../../src/shared/errors.js'
import type { ProfileInfo } from '../../../src/sync-profiles/plan.js'
import type { ProfileType } from '../../../src/sync-profiles/profile-types.js'
import type {
  BundleIdInfo,
  CertificateInfo,
  DeviceInfo,
  NamedProfile,
  NewProfile,
  ProvisioningApi
} from '../../../src/sync-profiles/provisioning-api.js'
import type { CapabilityType } from '../../../src/sync-profiles/capabilities.js'
import { applyPlan } from '../../../src/sync-profiles/apply.js'
import { makePlan, wantedDevices, type SyncOptions } from '../../../src/sync-profiles/plan.js'
import { readState } from '../../../src/sync-profiles/state.js'

const NOW = new Date('2025-06-01T00:00:00Z')
const inDays = (n: number) => new Date(NOW.getTime() + n * 86_400_000).toISOString()

/** A fake of the narrow port: in-memory profiles, every call recorded. */
class FakeApi implements ProvisioningApi {
  calls: string[] = []
  bundles: BundleIdInfo[] = [{ id: 'B1', identifier: 'com.example.app', profileIds: [] }]
  store = new Map<string, ProfileInfo>()
  certs: CertificateInfo[] = [
    { id: 'C1', certificateType: 'DISTRIBUTION', name: 'dist', expirationDate: inDays(300) },
    { id: 'C0', certificateType: 'DISTRIBUTION', name: 'old', expirationDate: inDays(-1) },
    { id: 'D1', certificateType: 'DEVELOPMENT', name: 'dev', expirationDate: inDays(300) }
  ]
  deviceList: DeviceInfo[] = []
  /** Called before profile(id) answers: lets a test delete a profile "meanwhile". */
  beforeProfileRead?: (id: string) => void
  refuseDuplicateNames = false
  private n = 0

  add(p: Partial<ProfileInfo> & { id: string }, bundle = 'B1'): ProfileInfo {
    const full: ProfileInfo = {
      name: 'Shipping',
      uuid: `U-${p.id}`,
      profileType: 'IOS_APP_STORE',
      state: 'ACTIVE',
      expirationDate: inDays(200),
      certificateIds: ['C1'],
      deviceIds: [],
      content: Buffer.from(`profile ${p.id}`).toString('base64'),
      ...p
    }
    this.store.set(full.id, full)
    this.bundles.find((b) => b.id === bundle)!.profileIds.push(full.id)
    return full
  }
  async bundleIds(identifiers: string[]) {
    this.calls.push(`bundleIds ${identifiers.join(',')}`)
    return this.bundles
      .filter((b) => identifiers.includes(b.identifier))
      .map((b) => ({ ...b, profileIds: b.profileIds.filter((id) => this.store.has(id)) }))
  }
  async allIdentifiers() {
    this.calls.push('allIdentifiers')
    return [...this.bundles.map((b) => b.identifier), 'com.example.other']
  }
  async profiles(ids: string[]) {
    this.calls.push(`profiles ${ids.length}`)
    return ids.flatMap((id) => (this.store.has(id) ? [{ ...this.store.get(id)! }] : []))
  }
  async certificates(by: { types: string[]; ids?: string[] }) {
    this.calls.push('certificates')
    return this.certs.filter((c) =>
      by.ids?.length ? by.ids.includes(c.id) : by.types.includes(c.certificateType)
    )
  }
  async devices() {
    this.calls.push('devices')
    return [...this.deviceList]
  }
  async registerDevice(d: {
    udid: string
    name: string
    platform: 'IOS' | 'MAC_OS' | 'UNIVERSAL'
  }) {
    this.calls.push(`registerDevice ${d.udid}`)
    const device: DeviceInfo = {
      id: `DEV-${d.udid}`,
      udid: d.udid,
      name: d.name,
      platform: d.platform,
      deviceClass: 'IPHONE',
      status: 'ENABLED'
    }
    this.deviceList.push(device)
    return device
  }
  async createProfile(p: NewProfile) {
    this.calls.push(`createProfile ${p.name}`)
    if (this.refuseDuplicateNames && [...this.store.values()].some((x) => x.name === p.name))
      throw new ApiError(409, 'POST', '/v1/profiles', [
        {
          status: '409',
          code: 'ENTITY_ERROR.ATTRIBUTE.INVALID',
          title: 'invalid',
          detail: `Multiple profiles found with the name '${p.name}'.`,
          source: { pointer: '/data/attributes/name' }
        }
      ])
    const id = `NEW${++this.n}`
    const created: ProfileInfo = {
      id,
      name: p.name,
      uuid: `U-${id}`,
      profileType: p.profileType,
      state: 'ACTIVE',
      expirationDate: inDays(365),
      certificateIds: p.certificateIds,
      deviceIds: p.deviceIds,
      content: Buffer.from(`profile ${id}`).toString('base64')
    }
    this.store.set(id, created)
    this.created.set(id, new Date(NOW.getTime() + this.n * 1000).toISOString())
    this.bundles.find((b) => b.id === p.bundleIdId)!.profileIds.push(id)
    return created
  }
  async deleteProfile(id: string) {
    this.calls.push(`deleteProfile ${id}`)
    return this.store.delete(id)
  }
  async profile(id: string) {
    this.calls.push(`profile ${id}`)
    this.beforeProfileRead?.(id)
    return this.store.get(id)
  }
  async registerBundleId(b: { identifier: string; name: string; platform: string }) {
    this.calls.push(`registerBundleId ${b.identifier} ${b.name} ${b.platform}`)
    const bundle: BundleIdInfo = {
      id: `B-${b.identifier}`,
      identifier: b.identifier,
      profileIds: [],
      capabilities: []
    }
    this.bundles.push(bundle)
    return bundle
  }
  async enableCapability(bundleIdId: string, type: CapabilityType) {
    this.calls.push(`enableCapability ${bundleIdId} ${type}`)
    const bundle = this.bundles.find((b) => b.id === bundleIdId)!
    bundle.capabilities = [...(bundle.capabilities ?? []), type]
    for (const id of bundle.profileIds) {
      const p = this.store.get(id)
      if (p) p.state = 'INVALID'
    }
  }
  /** Runs before profilesNamed answers: lets a test add "another run's" profile. */
  beforeLookAgain?: () => void
  async profilesNamed(names: string[], types: ProfileType[]): Promise<NamedProfile[]> {
    this.calls.push(`profilesNamed ${names.join(',')}`)
    this.beforeLookAgain?.()
    return [...this.store.values()]
      .filter((p) => names.includes(p.name) && types.includes(p.profileType))
      .map((p) => ({
        ...p,
        bundleIdId: this.bundles.find((b) => b.profileIds.includes(p.id))?.id ?? '',
        createdDate: this.created.get(p.id) ?? '2000-01-01T00:00:00.000+0000'
      }))
  }
  /** Creation dates of profiles made here (older seeded ones count as made in 2000). */
  created = new Map<string, string>()
}

function options(over: Partial<SyncOptions> = {}): SyncOptions {
  return {
    bundleIds: ['com.example.app'],
    profileTypes: ['IOS_APP_STORE'] as ProfileType[],
    certificateIds: [],
    devices: [],
    renewWithinDays: 30,
    createMissing: true,
    now: NOW,
    ...over
  }
}

async function sync(api: FakeApi, o = options()) {
  const plan = makePlan(await readState(api, o), o)
  return { plan, ...(await applyPlan(api, plan, o)) }
}

describe('sync (against a fake of the provisioning port)', () => {
  it('creates the replacement before deleting the old profile, with only valid certificates', async () => {
    const api = new FakeApi()
    api.add({ id: 'OLD', expirationDate: inDays(5), certificateIds: ['C0', 'C1'] })
    const { outcomes } = await sync(api)
    expect(api.calls.filter((c) => /^(create|delete)/.test(c))).toEqual([
      'createProfile Shipping',
      'deleteProfile OLD'
    ])
    expect(outcomes[0]).toMatchObject({
      taken: 'replaced',
      profile: { name: 'Shipping', certificateIds: ['C1'] },
      deleted: [{ id: 'OLD' }]
    })
  })

  it('falls back to delete-then-create when Apple refuses the duplicate name', async () => {
    const api = new FakeApi()
    api.refuseDuplicateNames = true
    api.add({ id: 'OLD', state: 'INVALID' })
    const { outcomes } = await sync(api)
    expect(api.calls.filter((c) => /^(create|delete)/.test(c))).toEqual([
      'createProfile Shipping',
      'deleteProfile OLD',
      'createProfile Shipping'
    ])
    expect(outcomes[0].taken).toBe('replaced')
  })

  it('leaves the old profile in place when creating the replacement fails for another reason', async () => {
    const api = new FakeApi()
    api.add({ id: 'OLD', expirationDate: inDays(5) })
    api.createProfile = async () => {
      throw new ApiError(409, 'POST', '/v1/profiles', [
        {
          status: '409',
          code: 'ENTITY_ERROR.RELATIONSHIP.INVALID',
          title: 'x',
          detail: 'Certificate revoked.'
        }
      ])
    }
    await expect(sync(api)).rejects.toThrow(/Certificate revoked/)
    expect(api.store.has('OLD')).toBe(true)
    expect(api.calls.some((c) => c.startsWith('deleteProfile'))).toBe(false)
  })

  it('lists again and carries on when a kept profile vanishes before its download (another job replaced it)', async () => {
    const api = new FakeApi()
    api.add({ id: 'P1', content: undefined })
    api.beforeProfileRead = (id) => {
      if (id !== 'P1') return
      api.beforeProfileRead = undefined
      // Another job replaced it meanwhile: the old one is gone, a new one of the same name exists.
      api.store.delete('P1')
      api.add({ id: 'P2', uuid: 'U-P2', expirationDate: inDays(365) })
    }
    const { outcomes } = await sync(api)
    expect(outcomes[0]).toMatchObject({
      taken: 'kept',
      profile: { id: 'P2', content: expect.any(String) }
    })
    expect(outcomes[0].notes).toContain('listed again after the profile vanished')
    expect(api.calls.filter((c) => /^(create|delete)/.test(c))).toEqual([])
  })

  it('registers each new device once, skips known ones (any case), and puts new ones in development profiles', async () => {
    const api = new FakeApi()
    api.deviceList = [
      {
        id: 'K1',
        udid: '00008110-000A1B2C3D4E5F60',
        name: 'Known',
        platform: 'IOS',
        deviceClass: 'IPHONE',
        status: 'ENABLED'
      }
    ]
    api.add({
      id: 'DEVP',
      profileType: 'IOS_APP_DEVELOPMENT',
      name: 'Dev',
      certificateIds: ['D1'],
      deviceIds: ['K1']
    })
    const o = options({
      profileTypes: ['IOS_APP_DEVELOPMENT'],
      devices: [
        { udid: '00008110-000a1b2c3d4e5f60', name: 'Known', platform: 'IOS', line: 2 },
        { udid: '00008120-0011AA22BB33CC44', name: 'New', platform: 'IOS', line: 3 }
      ]
    })
    const { outcomes, registered } = await sync(api, o)
    expect(registered.map((d) => d.udid)).toEqual(['00008120-0011AA22BB33CC44'])
    expect(api.calls.filter((c) => c.startsWith('registerDevice'))).toHaveLength(1)
    expect(outcomes[0].profile?.deviceIds.sort()).toEqual(['DEV-00008120-0011AA22BB33CC44', 'K1'])
    // Again: nothing to register, nothing to replace.
    api.calls = []
    await sync(api, o)
    expect(api.calls.filter((c) => /^(register|create|delete)/.test(c))).toEqual([])
  })

  it('says which bundle ID is missing and the nearest ones, before any change', async () => {
    const api = new FakeApi()
    const o = options({ bundleIds: ['com.example.ap'] })
    await expect(readState(api, o)).rejects.toThrow(ConfigurationError)
    await expect(readState(api, o)).rejects.toThrow(
      /no bundle ID 'com\.example\.ap' .*nearest: com\.example\.app/
    )
  })

  it('refuses certificate-ids the key cannot see', async () => {
    const api = new FakeApi()
    await expect(readState(api, options({ certificateIds: ['NOPE'] }))).rejects.toThrow(
      /certificate-ids.*NOPE/
    )
  })

  it('reads in four calls, never one per bundle ID', async () => {
    const api = new FakeApi()
    api.bundles.push({ id: 'B2', identifier: 'com.example.two', profileIds: [] })
    api.add({ id: 'A' })
    api.add({ id: 'B' }, 'B2')
    await readState(
      api,
      options({
        bundleIds: ['com.example.app', 'com.example.two'],
        profileTypes: ['IOS_APP_STORE', 'IOS_APP_DEVELOPMENT']
      })
    )
    expect(api.calls.sort()).toEqual([
      'bundleIds com.example.app,com.example.two',
      'certificates',
      'devices',
      'profiles 2'
    ])
  })

  it('chooses devices by platform and class', () => {
    const d = (
      id: string,
      deviceClass: DeviceInfo['deviceClass'],
      platform: DeviceInfo['platform'] = 'IOS',
      status: DeviceInfo['status'] = 'ENABLED'
    ): DeviceInfo => ({ id, udid: id, name: id, platform, deviceClass, status })
    const all = [
      d('phone', 'IPHONE'),
      d('watch', 'APPLE_WATCH'),
      d('tv', 'APPLE_TV'),
      d('mac', 'MAC', 'MAC_OS'),
      d('off', 'IPAD', 'IOS', 'DISABLED')
    ]
    const ids = (t: ProfileType) => wantedDevices(t, all, []).map((x) => x.id)
    expect(ids('IOS_APP_DEVELOPMENT')).toEqual(['phone', 'watch'])
    expect(ids('TVOS_APP_ADHOC')).toEqual(['tv'])
    expect(ids('MAC_APP_DEVELOPMENT')).toEqual(['mac'])
    expect(ids('IOS_APP_STORE')).toEqual([])
  })
})

describe('bundle IDs, capabilities and races', () => {
  it('registers a missing bundle ID, enables the capabilities, then creates its profile', async () => {
    const api = new FakeApi()
    const o = options({
      bundleIds: ['com.example.new-one'],
      registerBundleIds: true,
      capabilities: ['PUSH_NOTIFICATIONS']
    })
    const { outcomes, bundlesRegistered } = await sync(api, o)
    expect(api.calls.filter((c) => !/^(bundleIds|certificates|profiles )/.test(c))).toEqual([
      'registerBundleId com.example.new-one com example new one IOS',
      'enableCapability B-com.example.new-one PUSH_NOTIFICATIONS',
      'createProfile com.example.new-one App Store',
      'profilesNamed com.example.new-one App Store'
    ])
    expect(bundlesRegistered).toEqual([
      { identifier: 'com.example.new-one', name: 'com example new one', platform: 'IOS' }
    ])
    expect(outcomes[0]).toMatchObject({ taken: 'created' })
  })

  it('refuses a missing bundle ID without register-bundle-ids, pointing to it', async () => {
    const api = new FakeApi()
    await expect(sync(api, options({ bundleIds: ['com.example.nope'] }))).rejects.toThrow(
      /register-bundle-ids: true/
    )
  })

  it('replaces, keeping the name, a valid profile whose bundle ID gains a capability', async () => {
    const api = new FakeApi()
    api.bundles[0].capabilities = ['APP_GROUPS']
    api.add({ id: 'OK', expirationDate: inDays(200) })
    const o = options({ capabilities: ['APP_GROUPS', 'ICLOUD'] })
    const { outcomes } = await sync(api, o)
    expect(api.calls.filter((c) => /^(enable|create|delete)/.test(c))).toEqual([
      'enableCapability B1 ICLOUD',
      'createProfile Shipping',
      'deleteProfile OK'
    ])
    expect(outcomes[0]).toMatchObject({ taken: 'replaced', profile: { name: 'Shipping' } })
    expect(outcomes[0].decision.reasons.join()).toMatch(/enabling ICLOUD turns it INVALID/)
  })

  it('enables nothing already enabled, and reads no capability when none is asked', async () => {
    const api = new FakeApi()
    api.bundles[0].capabilities = ['ICLOUD']
    api.add({ id: 'OK', expirationDate: inDays(200) })
    await sync(api, options({ capabilities: ['ICLOUD'] }))
    expect(api.calls.filter((c) => /^(enable|create|delete|profilesNamed)/.test(c))).toEqual([])
  })

  it('gives up its own profile when another run made an older one of the name meanwhile', async () => {
    const api = new FakeApi()
    api.add({ id: 'OLD', expirationDate: inDays(2) })
    api.beforeLookAgain = () => {
      // The other run's profile, created before ours.
      api.add({ id: 'OTHER', name: 'Shipping', expirationDate: inDays(365) })
      api.created.set('OTHER', new Date(NOW.getTime() - 1000).toISOString())
      api.beforeLookAgain = undefined
    }
    const { outcomes } = await sync(api)
    expect(api.calls.filter((c) => /^(create|delete)/.test(c))).toEqual([
      'createProfile Shipping',
      'deleteProfile OLD',
      'deleteProfile NEW1'
    ])
    expect(outcomes[0].profile?.id).toBe('OTHER')
    expect(outcomes[0].notes).toContain(
      'another run made the same profile at the same time; kept the older one'
    )
  })

  it('keeps its own profile when it is the older one (the other run removes its own)', async () => {
    const api = new FakeApi()
    api.add({ id: 'OLD', expirationDate: inDays(2) })
    api.beforeLookAgain = () => {
      api.add({ id: 'LATER', name: 'Shipping', expirationDate: inDays(365) })
      api.created.set('LATER', inDays(1))
    }
    const { outcomes } = await sync(api)
    expect(api.calls.filter((c) => c.startsWith('delete'))).toEqual(['deleteProfile OLD'])
    expect(outcomes[0].profile?.id).toBe('NEW1')
  })

  it('reads +0000 offsets: a profile expiring in 10 days is renewed, one in 200 kept', async () => {
    const api = new FakeApi()
    const colonless = (days: number) => inDays(days).replace(/Z$/, '+0000')
    api.add({ id: 'SOON', expirationDate: colonless(10) })
    const { outcomes } = await sync(api)
    expect(outcomes[0].taken).toBe('replaced')
    const again = new FakeApi()
    again.add({ id: 'LATER', expirationDate: colonless(200) })
    expect((await sync(again)).outcomes[0].taken).toBe('kept')
  })
})
