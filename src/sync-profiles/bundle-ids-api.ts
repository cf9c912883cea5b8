// Bundle IDs and their capabilities, read and changed through the client (used by
// AscProvisioningApi): one filtered list with `include` of profiles (and capabilities when asked),
// the full linkage only where an include was cut.
import type { AscClient } from '#shared/asc/client.js'
import { ApiError } from '#shared/asc/errors.js'
import { indexIncluded, relatedIds, type Document, type Resource } from '#shared/asc/types.js'
import type { components } from '#shared/asc/generated/openapi-types.js'
import type { CapabilityType } from './capabilities.js'
import type { DevicePlatform, ProfileType } from './profile-types.js'

type BundleIdAttributes = NonNullable<components['schemas']['BundleId']['attributes']>
type CapabilityAttributes = NonNullable<components['schemas']['BundleIdCapability']['attributes']>
type ProfileAttributes = NonNullable<components['schemas']['Profile']['attributes']>

export interface BundleIdInfo {
  id: string
  identifier: string
  /** Ids of the bundle ID's profiles of the requested types. */
  profileIds: string[]
  /** Capability types enabled on it (read only when `capabilities` are synced). */
  capabilities?: CapabilityType[]
}

/** `limit[...]` of included relationships: Apple's maximum (profiles, devices, certificates, capabilities). */
export const INCLUDE_LIMIT = 50
/** Ids per `filter[...]` request, so URLs stay short. */
const CHUNK = 100

export function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * Whether an included to-many linkage may have been cut at `limit[...]`. Apple's `meta.paging` on
 * included relationships is not to be trusted (recorded: `{"total": 0, "limit": 2147483647}` with
 * data present), so a linkage is cut when it holds as many items as the include limit, or when
 * `total` says there are more than came.
 */
export function truncated(r: Resource, rel: string, limit = INCLUDE_LIMIT): boolean {
  const total = r.relationships?.[rel]?.meta?.paging?.total
  const n = relatedIds(r, rel).length
  return n >= limit || (typeof total === 'number' && total > n)
}

/** Every id of a to-many relationship, page by page. */
export async function linkage(client: AscClient, path: string): Promise<string[]> {
  const ids: string[] = []
  for await (const page of client.pages(path)) ids.push(...page.data.map((l) => l.id))
  return ids
}

export async function readBundleIds(
  client: AscClient,
  identifiers: string[],
  types: ProfileType[],
  withCapabilities: boolean
): Promise<BundleIdInfo[]> {
  const wanted = new Set(identifiers)
  const out: BundleIdInfo[] = []
  for (const group of chunks(identifiers)) {
    const { data, included } = await client.all<Resource<BundleIdAttributes>>('/v1/bundleIds', {
      'filter[identifier]': group,
      'fields[bundleIds]': [
        'identifier',
        'profiles',
        ...(withCapabilities ? ['bundleIdCapabilities'] : [])
      ],
      include: ['profiles', ...(withCapabilities ? ['bundleIdCapabilities'] : [])],
      'fields[profiles]': ['profileType'],
      'limit[profiles]': INCLUDE_LIMIT,
      ...(withCapabilities
        ? {
            'fields[bundleIdCapabilities]': ['capabilityType'],
            'limit[bundleIdCapabilities]': INCLUDE_LIMIT
          }
        : {})
    })
    const index = indexIncluded(included)
    for (const b of data) {
      const identifier = b.attributes?.identifier ?? ''
      // Apple's filter matches loosely (com.example.app finds com.example.app.widget): compare exactly.
      if (!wanted.has(identifier)) continue
      const info: BundleIdInfo = { id: b.id, identifier, profileIds: [] }
      if (truncated(b, 'profiles'))
        // The linkage carries no type: the profiles listing filters by type afterwards.
        info.profileIds = await linkage(client, `/v1/bundleIds/${b.id}/relationships/profiles`)
      else
        info.profileIds = relatedIds(b, 'profiles').filter((id) => {
          const type = (index.get(`profiles/${id}`)?.attributes as ProfileAttributes | undefined)
            ?.profileType
          return type === undefined || types.includes(type as ProfileType)
        })
      if (withCapabilities)
        info.capabilities = truncated(b, 'bundleIdCapabilities')
          ? await capabilitiesOf(client, b.id)
          : relatedIds(b, 'bundleIdCapabilities').flatMap((id) => {
              const a = index.get(`bundleIdCapabilities/${id}`)?.attributes as
                CapabilityAttributes | undefined
              return a?.capabilityType ? [a.capabilityType] : []
            })
      out.push(info)
    }
  }
  return out
}

/** Every capability type enabled on a bundle ID. */
async function capabilitiesOf(client: AscClient, bundleIdId: string): Promise<CapabilityType[]> {
  const { data } = await client.all<Resource<CapabilityAttributes>>(
    `/v1/bundleIds/${bundleIdId}/bundleIdCapabilities`,
    { 'fields[bundleIdCapabilities]': ['capabilityType'] }
  )
  return data.flatMap((c) => (c.attributes?.capabilityType ? [c.attributes.capabilityType] : []))
}

/** Registers a bundle ID; one registered meanwhile (or a lost answer) is found by reading. */
export async function registerBundleId(
  client: AscClient,
  b: { identifier: string; name: string; platform: DevicePlatform }
): Promise<BundleIdInfo> {
  const find = async (): Promise<BundleIdInfo | undefined> =>
    (await readBundleIds(client, [b.identifier], [], false))[0]
  try {
    const doc = await client.post<Document<Resource<BundleIdAttributes>>>(
      '/v1/bundleIds',
      { data: { type: 'bundleIds', attributes: b } },
      {
        recover: async () => {
          const found = await find()
          return found && { data: { type: 'bundleIds', id: found.id } }
        }
      }
    )
    return { id: doc.data.id, identifier: b.identifier, profileIds: [], capabilities: [] }
  } catch (e) {
    // Registered meanwhile by another job: Apple refuses an identifier it already has.
    if (e instanceof ApiError && e.status === 409) {
      const found = await find()
      if (found) return { ...found, capabilities: await capabilitiesOf(client, found.id) }
    }
    throw e
  }
}

/** Enables a capability; one enabled meanwhile (or a lost answer) is found by reading. */
export async function enableCapability(
  client: AscClient,
  bundleIdId: string,
  capabilityType: CapabilityType
): Promise<void> {
  const enabled = async () => (await capabilitiesOf(client, bundleIdId)).includes(capabilityType)
  try {
    await client.post(
      '/v1/bundleIdCapabilities',
      {
        data: {
          type: 'bundleIdCapabilities',
          attributes: { capabilityType },
          relationships: { bundleId: { data: { type: 'bundleIds', id: bundleIdId } } }
        }
      },
      { recover: async () => ((await enabled()) ? { data: null } : undefined) }
    )
  } catch (e) {
    if (e instanceof ApiError && e.status === 409 && (await enabled())) return
    throw e
  }
}
