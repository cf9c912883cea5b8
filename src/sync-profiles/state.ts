import { nearest } from '#shared/asc/apps.js'
import { ConfigurationError } from '#shared/errors.js'
import type { Logger } from '#shared/log.js'
import type { DeviceEntry } from './devices-file.js'
import { bundleName, bundlePlatform, type CapabilityType } from './capabilities.js'
import type { NewBundleId, State, SyncOptions } from './plan.js'
import { PROFILE_KINDS, certificateTypesFor, devicePlatformsFor } from './profile-types.js'
import type { DeviceInfo, ProvisioningApi } from './provisioning-api.js'

export const noLog: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warning: () => undefined
}

/** Reads everything in as few requests as the API allows: three lists in parallel, then one. */
export async function readState(api: ProvisioningApi, o: SyncOptions): Promise<State> {
  const log = o.log ?? noLog
  const needsDevices = o.profileTypes.some((t) => PROFILE_KINDS[t].devices) || o.devices.length > 0
  const [bundleList, certificates, devices] = await Promise.all([
    api.bundleIds(o.bundleIds, o.profileTypes, (o.capabilities ?? []).length > 0),
    api.certificates({ types: certificateTypesFor(o.profileTypes), ids: o.certificateIds }),
    needsDevices
      ? o.devices.length
        ? api.devices({ enabledOnly: false })
        : api.devices({ platforms: devicePlatformsFor(o.profileTypes), enabledOnly: true })
      : Promise.resolve([] as DeviceInfo[])
  ])
  const bundles = new Map(bundleList.map((b) => [b.identifier, b]))
  const missing = o.bundleIds.filter((b) => !bundles.has(b))
  const bundlesToRegister: NewBundleId[] = []
  if (missing.length && o.registerBundleIds) {
    for (const identifier of missing) {
      bundlesToRegister.push({
        identifier,
        name: bundleName(identifier),
        platform: bundlePlatform(o.profileTypes)
      })
      // Not registered yet: no id, no profiles, no capabilities (the executor fills the id in).
      bundles.set(identifier, { id: '', identifier, profileIds: [], capabilities: [] })
    }
  } else if (missing.length) {
    const all = await api.allIdentifiers()
    throw new ConfigurationError(
      missing
        .map((b) => {
          const near = nearest(b, all)
          return `no bundle ID '${b}' is registered on this team${near.length ? ` (nearest: ${near.join(', ')})` : ''}`
        })
        .join('; ') +
        '. Bundle IDs are compared exactly; register a missing one in Certificates, Identifiers & Profiles > Identifiers, or set register-bundle-ids: true to register it here.',
      'bundle-ids'
    )
  }
  if (o.certificateIds.length) {
    const found = new Set(certificates.map((c) => c.id))
    const unknown = o.certificateIds.filter((id) => !found.has(id))
    if (unknown.length)
      throw new ConfigurationError(
        `no certificate with ID ${unknown.join(', ')} is visible to this API key (see GET /v1/certificates).`,
        'certificate-ids'
      )
  }
  const ids = [...new Set(bundleList.flatMap((b) => b.profileIds))]
  const profiles = (await api.profiles(ids)).filter((p) => o.profileTypes.includes(p.profileType))
  const known = new Map(devices.map((d) => [d.udid.toLowerCase(), d]))
  const toRegister: DeviceEntry[] = []
  for (const entry of o.devices) {
    const found = known.get(entry.udid.toLowerCase())
    if (!found) toRegister.push(entry)
    else if (found.status !== 'ENABLED')
      log.warning(
        `Device ${entry.udid} ('${entry.name}', devices-file line ${entry.line}) is registered but disabled; enable it at developer.apple.com to include it in profiles.`
      )
  }
  const capabilityChanges = new Map<string, CapabilityType[]>()
  for (const [identifier, b] of bundles) {
    const add = (o.capabilities ?? []).filter((c) => !(b.capabilities ?? []).includes(c))
    if (add.length) capabilityChanges.set(identifier, add)
  }
  return {
    bundles,
    profiles,
    certificates,
    devices,
    toRegister,
    bundlesToRegister,
    capabilityChanges
  }
}
