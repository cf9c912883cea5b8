import type { AscClient } from '#shared/asc/client.js'
import { ApiError } from '#shared/asc/errors.js'
import { indexIncluded, relatedIds, type Document, type Resource } from '#shared/asc/types.js'
import type { components } from '#shared/asc/generated/openapi-types.js'
import type { ProfileInfo } from './plan.js'
import type { CertificateType, DeviceClass, DevicePlatform, ProfileType } from './profile-types.js'

type ProfileAttributes = NonNullable<components['schemas']['Profile']['attributes']>
type CertificateAttributes = NonNullable<components['schemas']['Certificate']['attributes']>
type DeviceAttributes = NonNullable<components['schemas']['Device']['attributes']>
type BundleIdAttributes = NonNullable<components['schemas']['BundleId']['attributes']>

export interface BundleIdInfo {
  id: string
  identifier: string
  /** Ids of the bundle ID's profiles of the requested types. */
  profileIds: string[]
}

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

/** The narrow port between the sync and App Store Connect; tests use a fake of it. */
export interface ProvisioningApi {
  /** Bundle IDs whose identifier is one of `identifiers` (exactly), with their profiles' ids. */
  bundleIds(identifiers: string[], types: ProfileType[]): Promise<BundleIdInfo[]>
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

/** `limit[...]` of included relationships: Apple's maximum for profiles' certificates and devices. */
const INCLUDE_LIMIT = 50
/** Ids per `filter[...]` request, so URLs stay short. */
const CHUNK = 100

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

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

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

/** Whether an included to-many linkage may have been cut at `limit[...]`. */
function truncated(r: Resource, rel: string): boolean {
  const relationship = r.relationships?.[rel]
  const total = relationship?.meta?.paging?.total
  const n = relatedIds(r, rel).length
  return total !== undefined ? total > n : n >= INCLUDE_LIMIT
}

/** The App Store Connect implementation: every read a filtered list with `include`, never N+1. */
export class AscProvisioningApi implements ProvisioningApi {
  constructor(private readonly client: AscClient) {}

  async bundleIds(identifiers: string[], types: ProfileType[]): Promise<BundleIdInfo[]> {
    const wanted = new Set(identifiers)
    const out: BundleIdInfo[] = []
    for (const group of chunks(identifiers)) {
      const { data, included } = await this.client.all<Resource<BundleIdAttributes>>(
        '/v1/bundleIds',
        {
          'filter[identifier]': group,
          'fields[bundleIds]': ['identifier', 'profiles'],
          include: ['profiles'],
          'fields[profiles]': ['profileType'],
          'limit[profiles]': INCLUDE_LIMIT
        }
      )
      const index = indexIncluded(included)
      for (const b of data) {
        const identifier = b.attributes?.identifier ?? ''
        // Apple's filter matches loosely (com.example.app finds com.example.app.widget): compare exactly.
        if (!wanted.has(identifier)) continue
        let ids = relatedIds(b, 'profiles')
        if (truncated(b, 'profiles')) {
          ids = []
          for await (const page of this.client.pages(
            `/v1/bundleIds/${b.id}/relationships/profiles`
          ))
            ids.push(...page.data.map((l) => l.id))
          // The linkage carries no type: the profiles listing filters by type afterwards.
          out.push({ id: b.id, identifier, profileIds: ids })
          continue
        }
        const typed = ids.filter((id) => {
          const type = (index.get(`profiles/${id}`)?.attributes as ProfileAttributes | undefined)
            ?.profileType
          return type === undefined || types.includes(type as ProfileType)
        })
        out.push({ id: b.id, identifier, profileIds: typed })
      }
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
        if (truncated(r, 'devices')) p.deviceIds = await this.linkage(r.id, 'devices')
        if (truncated(r, 'certificates'))
          p.certificateIds = await this.linkage(r.id, 'certificates')
        out.push(p)
      }
    }
    return out
  }

  private async linkage(profileId: string, rel: 'devices' | 'certificates'): Promise<string[]> {
    const ids: string[] = []
    for await (const page of this.client.pages(`/v1/profiles/${profileId}/relationships/${rel}`))
      ids.push(...page.data.map((l) => l.id))
    return ids
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
