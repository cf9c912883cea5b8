import { nearest } from '#shared/asc/apps.js'
import { ApiError } from '#shared/asc/errors.js'
import { mapLimit } from '#shared/concurrency.js'
import { ConfigurationError } from '#shared/errors.js'
import type { DeviceEntry } from './devices-file.js'
import {
  checkPlan,
  decide,
  type Decision,
  type PairFacts,
  type ProfileInfo,
  type WantedDevice
} from './plan.js'
import {
  PROFILE_KINDS,
  certificateTypesFor,
  devicePlatformsFor,
  type ProfileType
} from './profile-types.js'
import type {
  BundleIdInfo,
  CertificateInfo,
  DeviceInfo,
  ProvisioningApi
} from './provisioning-api.js'

export interface SyncOptions {
  bundleIds: string[]
  profileTypes: ProfileType[]
  certificateIds: string[]
  /** Devices from the devices file. */
  devices: DeviceEntry[]
  renewWithinDays: number
  createMissing: boolean
  now: Date
  /** Writes in flight at once. */
  concurrency?: number
  log?: { info(m: string): void; warning(m: string): void }
}

/** What the reads found: everything the plan is decided from. */
export interface State {
  bundles: Map<string, BundleIdInfo>
  profiles: ProfileInfo[]
  certificates: CertificateInfo[]
  devices: DeviceInfo[]
  /** Devices of the file that are not registered yet. */
  toRegister: DeviceEntry[]
}

export interface Plan {
  state: State
  decisions: Decision[]
  facts: (d: Decision) => PairFacts
}

/** What happened to one decision. */
export interface Outcome {
  decision: Decision
  /** The profile that serves the pair now (kept or new); none when skipped or planned only. */
  profile?: ProfileInfo
  /** Old profiles deleted (their files are removed from the install folders). */
  deleted: ProfileInfo[]
  /** What was done: `kept`, `created`, `replaced`, `skipped`, or `would …` in a dry run. */
  taken: string
  notes: string[]
}

const noLog = { info: () => undefined, warning: () => undefined }

function valid(c: CertificateInfo, now: Date): boolean {
  const t = Date.parse(c.expirationDate)
  return !Number.isNaN(t) && t > now.getTime()
}

/** Reads everything in as few requests as the API allows: three lists in parallel, then one. */
export async function readState(api: ProvisioningApi, o: SyncOptions): Promise<State> {
  const log = o.log ?? noLog
  const needsDevices = o.profileTypes.some((t) => PROFILE_KINDS[t].devices) || o.devices.length > 0
  const [bundleList, certificates, devices] = await Promise.all([
    api.bundleIds(o.bundleIds, o.profileTypes),
    api.certificates({ types: certificateTypesFor(o.profileTypes), ids: o.certificateIds }),
    needsDevices
      ? o.devices.length
        ? api.devices({ enabledOnly: false })
        : api.devices({ platforms: devicePlatformsFor(o.profileTypes), enabledOnly: true })
      : Promise.resolve([] as DeviceInfo[])
  ])
  const bundles = new Map(bundleList.map((b) => [b.identifier, b]))
  const missing = o.bundleIds.filter((b) => !bundles.has(b))
  if (missing.length) {
    const all = await api.allIdentifiers()
    throw new ConfigurationError(
      missing
        .map((b) => {
          const near = nearest(b, all)
          return `no bundle ID '${b}' is registered on this team${near.length ? ` (nearest: ${near.join(', ')})` : ''}`
        })
        .join('; ') +
        '. Bundle IDs are compared exactly; register a missing one in Certificates, Identifiers & Profiles > Identifiers.',
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
  return { bundles, profiles, certificates, devices, toRegister }
}

/** The devices a profile of `type` must hold: enabled ones of its platform and classes, new ones too. */
export function wantedDevices(
  type: ProfileType,
  devices: DeviceInfo[],
  toRegister: DeviceEntry[]
): WantedDevice[] {
  const kind = PROFILE_KINDS[type].devices
  if (!kind) return []
  const fits = (platform: string, deviceClass?: string) =>
    platform === kind.platform &&
    (deviceClass ? kind.classes.includes(deviceClass as never) : !kind.classes.includes('APPLE_TV'))
  return [
    ...devices
      .filter((d) => d.status === 'ENABLED' && fits(d.platform, d.deviceClass))
      .map((d) => ({ id: d.id, udid: d.udid, name: d.name })),
    ...toRegister.filter((d) => fits(d.platform)).map((d) => ({ udid: d.udid, name: d.name }))
  ]
}

/** Decides every bundle ID × profile type, and checks the plan can be carried out. */
export function makePlan(state: State, o: SyncOptions): Plan {
  const factsByPair = new Map<string, PairFacts>()
  const pairFacts = (bundleId: string, type: ProfileType): PairFacts => {
    const key = `${bundleId}\n${type}`
    let f = factsByPair.get(key)
    if (!f) {
      const bundle = state.bundles.get(bundleId)!
      const certTypes = PROFILE_KINDS[type].certificateTypes
      f = {
        bundleId,
        profileType: type,
        profiles: state.profiles.filter(
          (p) => p.profileType === type && bundle.profileIds.includes(p.id)
        ),
        validCertificateIds: state.certificates
          .filter((c) => certTypes.includes(c.certificateType) && valid(c, o.now))
          .map((c) => c.id),
        devices: wantedDevices(type, state.devices, state.toRegister),
        now: o.now,
        renewWithinDays: o.renewWithinDays,
        createMissing: o.createMissing
      }
      factsByPair.set(key, f)
    }
    return f
  }
  const decisions = o.bundleIds.flatMap((b) =>
    o.profileTypes.flatMap((t) => decide(pairFacts(b, t)))
  )
  const facts = (d: Decision) => pairFacts(d.bundleId, d.profileType)
  checkPlan(decisions, facts, o.certificateIds.length > 0)
  return { state, decisions, facts }
}

/** True when Apple refused a new profile because its name is taken (older portals did). */
function nameTaken(e: unknown): boolean {
  return (
    e instanceof ApiError &&
    e.status === 409 &&
    e.errors.some(
      (x) =>
        /name/i.test(`${x.source?.pointer ?? ''} ${x.detail ?? ''}`) &&
        /(already|multiple|duplicate|taken|exists)/i.test(x.detail ?? '')
    )
  )
}

/**
 * Carries the plan out: registers the new devices (each once), then creates and replaces profiles
 * with bounded concurrency. A replacement is created BEFORE the old profile is deleted, so a failed
 * create leaves the old (still installed, maybe still valid) profile in place; only if Apple refuses
 * the duplicate name is the old one deleted first, after every check has passed.
 */
export async function applyPlan(
  api: ProvisioningApi,
  plan: Plan,
  o: SyncOptions
): Promise<{ outcomes: Outcome[]; registered: DeviceInfo[] }> {
  const log = o.log ?? noLog
  const limit = o.concurrency ?? 8
  const registered = await mapLimit(plan.state.toRegister, limit, async (d) => {
    const device = await api.registerDevice({ udid: d.udid, name: d.name, platform: d.platform })
    log.info(`Registered device ${d.name} (${d.udid}).`)
    return device
  })
  // By id: a device registered meanwhile by another job comes back as the one already listed.
  const devices = [
    ...new Map([...plan.state.devices, ...registered].map((d) => [d.id, d])).values()
  ]
  const outcomes = await mapLimit(plan.decisions, limit, (d) =>
    carryOut(api, d, plan, devices, o, true)
  )
  return { outcomes, registered }
}

async function carryOut(
  api: ProvisioningApi,
  d: Decision,
  plan: Plan,
  devices: DeviceInfo[],
  o: SyncOptions,
  retry: boolean
): Promise<Outcome> {
  const log = o.log ?? noLog
  const facts = plan.facts(d)
  const notes: string[] = []
  const deleted: ProfileInfo[] = []
  const remove = async (old: ProfileInfo) => {
    if (await api.deleteProfile(old.id)) deleted.push(old)
    else notes.push(`old profile ${old.uuid} was already gone`)
  }
  if (d.action === 'skip') {
    log.warning(
      `${d.bundleId} has no ${d.profileType} profile and create-missing is false: none created.`
    )
    return { decision: d, deleted, taken: 'skipped', notes }
  }
  if (d.action === 'keep') {
    let profile = d.profile!
    if (!profile.content) {
      const fresh = await api.profile(profile.id)
      if (!fresh) return vanished(api, d, plan, devices, o, retry)
      profile = { ...profile, content: fresh.content }
    }
    for (const stale of d.replaces) await remove(stale)
    return { decision: d, profile, deleted, taken: 'kept', notes }
  }
  const deviceIds = wantedDevices(d.profileType, devices, []).map((w) => w.id!)
  const create = () =>
    api.createProfile({
      name: d.name,
      profileType: d.profileType,
      bundleIdId: plan.state.bundles.get(d.bundleId)!.id,
      certificateIds: facts.validCertificateIds,
      deviceIds,
      existingIds: d.replaces.map((p) => p.id)
    })
  let profile: ProfileInfo
  try {
    profile = await create()
  } catch (e) {
    if (!(d.action === 'replace' && nameTaken(e))) throw e
    log.info(
      `Apple refused a second profile named '${d.name}': deleting the old one first, then creating it again.`
    )
    for (const old of d.replaces) await remove(old)
    profile = await create()
  }
  for (const old of d.replaces) if (!deleted.includes(old)) await remove(old)
  log.info(
    `${d.action === 'create' ? 'Created' : 'Replaced'} ${d.profileType} profile '${d.name}' for ${d.bundleId}: ${profile.uuid}.`
  )
  return {
    decision: d,
    profile,
    deleted,
    taken: d.action === 'create' ? 'created' : 'replaced',
    notes
  }
}

/** The kept profile was deleted after it was listed (another job replaced it): list the pair again. */
async function vanished(
  api: ProvisioningApi,
  d: Decision,
  plan: Plan,
  devices: DeviceInfo[],
  o: SyncOptions,
  retry: boolean
): Promise<Outcome> {
  if (!retry)
    throw new Error(
      `The ${d.profileType} profile '${d.name}' of ${d.bundleId} vanished twice while it was being read; another job is changing it. Run the step again.`
    )
  ;(o.log ?? noLog).info(
    `Profile '${d.name}' (${d.profile?.uuid}) vanished after it was listed (another job replaced it?); listing ${d.bundleId} again.`
  )
  const [bundle] = await api.bundleIds([d.bundleId], [d.profileType])
  const profiles = bundle
    ? (await api.profiles(bundle.profileIds)).filter((p) => p.profileType === d.profileType)
    : []
  const facts: PairFacts = {
    ...plan.facts(d),
    profiles,
    devices: wantedDevices(d.profileType, devices, [])
  }
  const again = decide(facts).find((x) => x.name === d.name) ?? decide(facts)[0]
  const replan: Plan = {
    ...plan,
    state: {
      ...plan.state,
      bundles: bundle ? new Map([...plan.state.bundles, [d.bundleId, bundle]]) : plan.state.bundles
    },
    facts: () => facts
  }
  const outcome = await carryOut(api, again, replan, devices, o, false)
  return { ...outcome, notes: [...outcome.notes, 'listed again after the profile vanished'] }
}

/** The outcomes a dry run reports: what would be done. */
export function dryOutcomes(plan: Plan): Outcome[] {
  return plan.decisions.map((d) => ({
    decision: d,
    profile: d.action === 'keep' ? d.profile : undefined,
    deleted: [],
    taken: d.action === 'keep' ? 'kept' : `would ${d.action}`,
    notes: []
  }))
}
