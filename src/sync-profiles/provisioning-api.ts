import type { AscClient } from '#shared/asc/client.js'
import { ApiError } from '#shared/asc/errors.js'
import { relatedIds, type Document, type Resource } from '#shared/asc/types.js'
import type { components } from '#shared/asc/generated/openapi-types.js'
import {
  INCLUDE_LIMIT,
  chunks,
  enableCapability,
  linkage,
  readBundleIds,
  registerBundleId,
  truncated,
  type BundleIdInfo
} from './bundle-ids-api.js'
import type { CapabilityType } from './capabilities.js'
import type { ProfileInfo } from './plan.js'
import type { CertificateType, DeviceClass, DevicePlatform, ProfileType } from './profile-types.js'

type ProfileAttributes = NonNullable<components['schemas']['Profile']['attributes']>
type CertificateAttributes = NonNullable<components['schemas']['Certificate']['attributes']>
type DeviceAttributes = NonNullable<components['schemas']['Device']['attributes']>
type BundleIdAttributes = NonNullable<components['schemas']['BundleId']['attributes']>

export type { BundleIdInfo }

export interface CertificateInfo {
  id: string
  certificateType: CertificateType
  name: string
  expirationDate: string
}

export interface DeviceInfo {
  id: string
  udid: string
  name: string
  platform: DevicePlatform
  deviceClass?: DeviceClass
  status: 'ENABLED' | 'DISABLED'
}

export interface NewProfile {
  name: string
  profileType: ProfileType
  bundleIdId: string
  certificateIds: string[]
  deviceIds: string[]
  /** Profiles of the same name that existed before (a lost answer is recovered by finding another). */
  existingIds?: string[]
}

/** A profile found by name, with the id of its bundle ID. */
export interface NamedProfile extends ProfileInfo {
  bundleIdId: string
  createdDate: string
}

/** The narrow port between the sync and App Store Connect; tests use a fake of it. */
export interface ProvisioningApi {
  /**
   * Bundle IDs whose identifier is one of `identifiers` (exactly), with their profiles' ids (and,
   * with `withCapabilities`, their enabled capability types).
   */
  bundleIds(
    identifiers: string[],
    types: ProfileType[],
    withCapabilities?: boolean
  ): Promise<BundleIdInfo[]>
  /** Registers a bundle ID (one registered meanwhile is found instead). */
  registerBundleId(b: {
    identifier: string
    name: string
    platform: DevicePlatform
  }): Promise<BundleIdInfo>
  /** Enables a capability on a bundle ID (one enabled meanwhile is fine). */
  enableCapability(bundleIdId: string, capabilityType: CapabilityType): Promise<void>
  /** Profiles of these exact names and types, with their bundle ID (to look again after creating). */
  profilesNamed(names: string[], types: ProfileType[]): Promise<NamedProfile[]>
  /** Every identifier the key can see, for "did you mean" lists. */
  allIdentifiers(): Promise<string[]>
  /** Profiles by id, with their certificates, devices and content. */
  profiles(ids: string[]): Promise<ProfileInfo[]>
  /** Certificates of these types, or exactly these ids. */
  certificates(by: { types: CertificateType[]; ids?: string[] }): Promise<CertificateInfo[]>
  /** Devices: all of them, or only enabled ones of some platforms. */
  devices(by: { platforms?: DevicePlatform[]; enabledOnly: boolean }): Promise<DeviceInfo[]>
  registerDevice(device: {
    udid: string
    name: string
    platform: DevicePlatform
  }): Promise<DeviceInfo>
  createProfile(profile: NewProfile): Promise<ProfileInfo>
  /** Deletes a profile; one already gone is fine (returns false). */
  deleteProfile(id: string): Promise<boolean>
  /** One profile with its content; undefined when it no longer exists. */
  profile(id: string): Promise<ProfileInfo | undefined>
}

const PROFILE_FIELDS = [
  'name',
  'profileType',
  'profileState',
  'profileContent',
  'uuid',
  'expirationDate',
  'certificates',
  'devices'
]

function toProfile(r: Resource<ProfileAttributes>): ProfileInfo {
  const a = r.attributes ?? ({} as ProfileAttributes)
  return {
    id: r.id,
    name: a.name ?? '',
    uuid: a.uuid ?? '',
    profileType: a.profileType as ProfileType,
    state: a.profileState === 'ACTIVE' ? 'ACTIVE' : 'INVALID',
    expirationDate: a.expirationDate ?? '',
    certificateIds: relatedIds(r, 'certificates'),
    deviceIds: relatedIds(r, 'devices'),
    content: a.profileContent || undefined
  }
}

function toDevice(r: Resource<DeviceAttributes>): DeviceInfo {
  const a = r.attributes ?? ({} as DeviceAttributes)
  return {
    id: r.id,
    udid: a.udid ?? '',
    name: a.name ?? '',
    platform: (a.platform ?? 'IOS') as DevicePlatform,
    deviceClass: a.deviceClass,
    status: a.status === 'DISABLED' ? 'DISABLED' : 'ENABLED'
  }
}

/** The App Store Connect implementation: every read a filtered list with `include`, never N+1. */
export class AscProvisioningApi implements ProvisioningApi {
  constructor(private readonly client: AscClient) {}

  bundleIds(
    identifiers: string[],
    types: ProfileType[],
    withCapabilities = false
  ): Promise<BundleIdInfo[]> {
    return readBundleIds(this.client, identifiers, types, withCapabilities)
  }

  registerBundleId(b: {
    identifier: string
    name: string
    platform: DevicePlatform
  }): Promise<BundleIdInfo> {
    return registerBundleId(this.client, b)
  }

  enableCapability(bundleIdId: string, capabilityType: CapabilityType): Promise<void> {
    return enableCapability(this.client, bundleIdId, capabilityType)
  }

  async profilesNamed(names: string[], types: ProfileType[]): Promise<NamedProfile[]> {
    const wanted = new Set(names)
    const out: NamedProfile[] = []
    for (const group of chunks([...wanted])) {
      const { data } = await this.client.all<Resource<ProfileAttributes>>('/v1/profiles', {
        'filter[name]': group,
        'filter[profileType]': types,
        'fields[profiles]': [...PROFILE_FIELDS, 'createdDate', 'bundleId'],
        include: ['bundleId'],
        'fields[bundleIds]': ['identifier']
      })
      for (const r of data)
        if (wanted.has(r.attributes?.name ?? ''))
          out.push({
            ...toProfile(r),
            bundleIdId: relatedIds(r, 'bundleId')[0] ?? '',
            createdDate: r.attributes?.createdDate ?? ''
          })
    }
    return out
  }

  async allIdentifiers(): Promise<string[]> {
    const { data } = await this.client.all<Resource<BundleIdAttributes>>('/v1/bundleIds', {
      'fields[bundleIds]': ['identifier']
    })
    return data.map((b) => b.attributes?.identifier ?? '').filter(Boolean)
  }

  async profiles(ids: string[]): Promise<ProfileInfo[]> {
    const out: ProfileInfo[] = []
    for (const group of chunks(ids)) {
      if (!group.length) continue
      const { data } = await this.client.all<Resource<ProfileAttributes>>('/v1/profiles', {
        'filter[id]': group,
        'fields[profiles]': PROFILE_FIELDS,
        include: ['certificates', 'devices'],
        'fields[certificates]': ['certificateType'],
        'fields[devices]': ['udid'],
        'limit[certificates]': INCLUDE_LIMIT,
        'limit[devices]': INCLUDE_LIMIT
      })
      for (const r of data) {
        const p = toProfile(r)
        // A profile with more devices or certificates than an include returns: read the full linkage.
        if (truncated(r, 'devices'))
          p.deviceIds = await linkage(this.client, `/v1/profiles/${r.id}/relationships/devices`)
        if (truncated(r, 'certificates'))
          p.certificateIds = await linkage(
            this.client,
            `/v1/profiles/${r.id}/relationships/certificates`
          )
        out.push(p)
      }
    }
    return out
  }

  async certificates(by: { types: CertificateType[]; ids?: string[] }): Promise<CertificateInfo[]> {
    const query = by.ids?.length
      ? { 'filter[id]': by.ids }
      : { 'filter[certificateType]': by.types }
    const { data } = await this.client.all<Resource<CertificateAttributes>>('/v1/certificates', {
      ...query,
      'fields[certificates]': ['name', 'certificateType', 'displayName', 'expirationDate']
    })
    return data.map((r) => ({
      id: r.id,
      certificateType: r.attributes?.certificateType as CertificateType,
      name: r.attributes?.displayName || r.attributes?.name || r.id,
      expirationDate: r.attributes?.expirationDate ?? ''
    }))
  }

  async devices(by: { platforms?: DevicePlatform[]; enabledOnly: boolean }): Promise<DeviceInfo[]> {
    const { data } = await this.client.all<Resource<DeviceAttributes>>('/v1/devices', {
      'filter[platform]': by.platforms?.length ? by.platforms : undefined,
      'filter[status]': by.enabledOnly ? ['ENABLED'] : undefined,
      'fields[devices]': ['name', 'platform', 'udid', 'deviceClass', 'status']
    })
    return data.map(toDevice)
  }

  async registerDevice(device: {
    udid: string
    name: string
    platform: DevicePlatform
  }): Promise<DeviceInfo> {
    const find = async () => {
      const { data } = await this.client.all<Resource<DeviceAttributes>>('/v1/devices', {
        'filter[udid]': [device.udid],
        'fields[devices]': ['name', 'platform', 'udid', 'deviceClass', 'status']
      })
      const found = data.find(
        (d) => d.attributes?.udid?.toLowerCase() === device.udid.toLowerCase()
      )
      return found && { data: found }
    }
    try {
      const doc = await this.client.post<Document<Resource<DeviceAttributes>>>(
        '/v1/devices',
        {
          data: {
            type: 'devices',
            attributes: { name: device.name, udid: device.udid, platform: device.platform }
          }
        },
        { recover: find }
      )
      return toDevice(doc.data)
    } catch (e) {
      // Registered meanwhile by another job: Apple refuses a UDID it already has.
      if (e instanceof ApiError && e.status === 409) {
        const found = await find()
        if (found) return toDevice(found.data)
      }
      throw e
    }
  }

  async createProfile(p: NewProfile): Promise<ProfileInfo> {
    const recover = async () => {
      const { data } = await this.client.all<Resource<ProfileAttributes>>('/v1/profiles', {
        'filter[name]': [p.name],
        'filter[profileType]': [p.profileType],
        'fields[profiles]': PROFILE_FIELDS
      })
      const found = data.find(
        (r) => r.attributes?.name === p.name && !(p.existingIds ?? []).includes(r.id)
      )
      return found && { data: found }
    }
    const doc = await this.client.post<Document<Resource<ProfileAttributes>>>(
      '/v1/profiles',
      {
        data: {
          type: 'profiles',
          attributes: { name: p.name, profileType: p.profileType },
          relationships: {
            bundleId: { data: { type: 'bundleIds', id: p.bundleIdId } },
            certificates: { data: p.certificateIds.map((id) => ({ type: 'certificates', id })) },
            ...(p.deviceIds.length
              ? { devices: { data: p.deviceIds.map((id) => ({ type: 'devices', id })) } }
              : {})
          }
        }
      },
      { recover }
    )
    const created = toProfile(doc.data)
    return { ...created, certificateIds: p.certificateIds, deviceIds: p.deviceIds }
  }

  async deleteProfile(id: string): Promise<boolean> {
    try {
      await this.client.delete(`/v1/profiles/${id}`)
      return true
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return false
      throw e
    }
  }

  async profile(id: string): Promise<ProfileInfo | undefined> {
    try {
      const doc = await this.client.get<Document<Resource<ProfileAttributes>>>(
        `/v1/profiles/${id}`,
        {
          'fields[profiles]': PROFILE_FIELDS
        }
      )
      return toProfile(doc.data)
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return undefined
      throw e
    }
  }
}
