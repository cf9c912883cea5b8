import { formatDate, parseAppleDate } from '#shared/dates.js'
import { ConfigurationError } from '#shared/errors.js'
import type { Logger } from '#shared/log.js'
import type { DeviceEntry } from './devices-file.js'
import type { CapabilityType } from './capabilities.js'
import {
  PROFILE_KINDS,
  defaultProfileName,
  type DevicePlatform,
  type ProfileType
} from './profile-types.js'
import type { BundleIdInfo, CertificateInfo, DeviceInfo } from './provisioning-api.js'

/** A profile as the plan sees it. */
export interface ProfileInfo {
  id: string
  name: string
  uuid: string
  profileType: ProfileType
  state: 'ACTIVE' | 'INVALID'
  /** ISO date-time. */
  expirationDate: string
  certificateIds: string[]
  deviceIds: string[]
  /** base64 of the `.mobileprovision`, when the listing carried it. */
  content?: string
}

/** A device the profile should hold: registered (with an id) or about to be (no id yet). */
export interface WantedDevice {
  id?: string
  udid: string
  name: string
}

/** Everything `decide` needs to know about one bundle ID × profile type. */
export interface PairFacts {
  bundleId: string
  profileType: ProfileType
  /** The existing profiles of exactly this bundle ID and type. */
  profiles: ProfileInfo[]
  /** Certificates of the kind the type needs that are valid now (and, if given, in certificate-ids). */
  validCertificateIds: string[]
  /** For development and ad hoc types: every enabled device of the platform, new ones included. */
  devices: WantedDevice[]
  now: Date
  renewWithinDays: number
  createMissing: boolean
  /** Capability types this run enables on the bundle ID: Apple turns its profiles INVALID. */
  capabilitiesAdded?: CapabilityType[]
}

export type Action = 'keep' | 'create' | 'replace' | 'skip'

export interface Decision {
  action: Action
  bundleId: string
  profileType: ProfileType
  /** The profile's name: kept, or given to the new one (a replacement keeps the old name). */
  name: string
  /** keep: the profile kept. */
  profile?: ProfileInfo
  /** replace: the profiles the new one replaces (deleted after it exists); keep: stale duplicates. */
  replaces: ProfileInfo[]
  /** Why, in words for the summary ("expires 2025-01-02, within 30 days"). */
  reasons: string[]
}

const DAY = 86_400_000

function day(date: string): string {
  return formatDate(date)
}

/** What is wrong with a profile, in words; empty when it can be kept. */
export function problems(p: ProfileInfo, facts: PairFacts): string[] {
  const out: string[] = []
  const kind = PROFILE_KINDS[facts.profileType]
  if (p.state !== 'ACTIVE') out.push(`${p.state || 'unknown state'}`)
  if (facts.capabilitiesAdded?.length)
    out.push(
      `enabling ${facts.capabilitiesAdded.join(', ')} turns it INVALID (Apple invalidates a bundle ID's profiles when its capabilities change)`
    )
  const expires = parseAppleDate(p.expirationDate)
  if (expires === undefined || expires <= facts.now.getTime())
    out.push(`expired${expires === undefined ? '' : ` on ${day(p.expirationDate)}`}`)
  else if (expires <= facts.now.getTime() + facts.renewWithinDays * DAY)
    out.push(`expires on ${day(p.expirationDate)}, within ${facts.renewWithinDays} days`)
  const valid = new Set(facts.validCertificateIds)
  if (!p.certificateIds.some((id) => valid.has(id)))
    out.push(`holds no valid ${kind.certificateLabel} certificate`)
  if (kind.devices) {
    const held = new Set(p.deviceIds)
    const missing = facts.devices.filter((d) => !d.id || !held.has(d.id))
    if (missing.length)
      out.push(
        `lacks ${missing.length} enabled device${missing.length === 1 ? '' : 's'} (${missing
          .slice(0, 3)
          .map((d) => d.name)
          .join(', ')}${missing.length > 3 ? ', …' : ''})`
      )
  }
  return out
}

/** Latest expiry first, then ACTIVE before INVALID. */
function better(a: ProfileInfo, b: ProfileInfo): number {
  return (
    (parseAppleDate(b.expirationDate) ?? 0) - (parseAppleDate(a.expirationDate) ?? 0) ||
    a.id.localeCompare(b.id)
  )
}

/**
 * Decides, for one bundle ID × profile type, what to do. Profiles are grouped by name (an
 * `exportOptions.plist` or Xcode setting names one): a name with a profile that passes every check is
 * kept (the best one; same-named leftovers of an interrupted replacement are removed with it); a name
 * whose profiles all fail is replaced by a new profile of that name. With no profile at all, one is
 * created (when create-missing is on) under `<bundle ID> <type>`.
 */
export function decide(facts: PairFacts): Decision[] {
  const base = { bundleId: facts.bundleId, profileType: facts.profileType }
  if (!facts.profiles.length) {
    const name = defaultProfileName(facts.bundleId, facts.profileType)
    return [
      facts.createMissing
        ? { ...base, action: 'create', name, replaces: [], reasons: ['no profile of this type'] }
        : {
            ...base,
            action: 'skip',
            name,
            replaces: [],
            reasons: ['no profile of this type, and create-missing is false']
          }
    ]
  }
  const byName = new Map<string, ProfileInfo[]>()
  for (const p of facts.profiles) byName.set(p.name, [...(byName.get(p.name) ?? []), p])
  const decisions: Decision[] = []
  for (const [name, group] of [...byName].sort(([a], [b]) => a.localeCompare(b))) {
    const judged = group
      .map((p) => ({ p, why: problems(p, facts) }))
      .sort((a, b) => better(a.p, b.p))
    const good = judged.find((j) => !j.why.length)
    if (good) {
      const stale = judged.filter((j) => j !== good).map((j) => j.p)
      decisions.push({
        ...base,
        action: 'keep',
        name,
        profile: good.p,
        replaces: stale,
        reasons: [
          `valid until ${day(good.p.expirationDate)}`,
          ...(stale.length ? [`removes ${stale.length} stale profile(s) of the same name`] : [])
        ]
      })
    } else {
      decisions.push({
        ...base,
        action: 'replace',
        name,
        replaces: judged.map((j) => j.p),
        reasons: judged[0].why
      })
    }
  }
  return decisions
}

/**
 * What would make creating the planned profiles fail, found before any change: no valid certificate
 * of the kind a type needs, or no device for a development or ad hoc profile.
 */
export function checkPlan(
  decisions: Decision[],
  facts: (d: Decision) => PairFacts,
  certificateIdsGiven = false
): void {
  for (const d of decisions) {
    if (d.action !== 'create' && d.action !== 'replace') continue
    const f = facts(d)
    const kind = PROFILE_KINDS[d.profileType]
    if (!f.validCertificateIds.length)
      throw new ConfigurationError(
        `${d.profileType} for ${d.bundleId} needs a valid ${kind.certificateLabel} certificate (certificate type ${kind.certificateTypes.join(' or ')}), and ${certificateIdsGiven ? 'none of certificate-ids is one that has not expired' : 'the team has none that has not expired'}. Create one in Xcode (Settings > Accounts > Manage Certificates) or at developer.apple.com (Certificates, Identifiers & Profiles > Certificates > +), or with POST /v1/certificates${certificateIdsGiven ? ', and list its ID in certificate-ids' : ''}.`,
        certificateIdsGiven ? 'certificate-ids' : 'profile-types'
      )
    if (kind.devices && !f.devices.length)
      throw new ConfigurationError(
        `${d.profileType} for ${d.bundleId} needs at least one enabled ${kind.devices.classes.join('/')} device, and the team has none: list devices in devices-file or register them at developer.apple.com.`,
        'devices-file'
      )
  }
}

export interface PlanCounts {
  created: number
  renewed: number
  kept: number
}

export function count(decisions: Decision[]): PlanCounts {
  return {
    created: decisions.filter((d) => d.action === 'create').length,
    renewed: decisions.filter((d) => d.action === 'replace').length,
    kept: decisions.filter((d) => d.action === 'keep').length
  }
}

export interface SyncOptions {
  bundleIds: string[]
  profileTypes: ProfileType[]
  certificateIds: string[]
  /** Devices from the devices file. */
  devices: DeviceEntry[]
  renewWithinDays: number
  createMissing: boolean
  now: Date
  /** `register-bundle-ids`: register a listed bundle ID that does not exist. */
  registerBundleIds?: boolean
  /** `capabilities`: enabled on every listed bundle ID where they are not. */
  capabilities?: CapabilityType[]
  /** Writes in flight at once. */
  concurrency?: number
  log?: Logger
}

/** What the reads found: everything the plan is decided from. */
export interface State {
  bundles: Map<string, BundleIdInfo>
  profiles: ProfileInfo[]
  certificates: CertificateInfo[]
  devices: DeviceInfo[]
  /** Devices of the file that are not registered yet. */
  toRegister: DeviceEntry[]
  /** Listed bundle IDs that do not exist and are registered (register-bundle-ids). */
  bundlesToRegister: NewBundleId[]
  /** Capability types to enable, by bundle identifier (only those not enabled yet). */
  capabilityChanges: Map<string, CapabilityType[]>
}

/** A bundle ID to register. */
export interface NewBundleId {
  identifier: string
  name: string
  platform: DevicePlatform
}

export interface Plan {
  state: State
  decisions: Decision[]
  facts: (d: Decision) => PairFacts
}

export function validCertificate(c: CertificateInfo, now: Date): boolean {
  const t = parseAppleDate(c.expirationDate)
  return t !== undefined && t > now.getTime()
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
          .filter((c) => certTypes.includes(c.certificateType) && validCertificate(c, o.now))
          .map((c) => c.id),
        devices: wantedDevices(type, state.devices, state.toRegister),
        now: o.now,
        renewWithinDays: o.renewWithinDays,
        createMissing: o.createMissing,
        capabilitiesAdded: state.capabilityChanges?.get(bundleId)
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
