import { ApiError } from '#shared/asc/errors.js'
import { mapLimit } from '#shared/concurrency.js'
import { runReport } from '#shared/report.js'
import {
  decide,
  wantedDevices,
  type Decision,
  type NewBundleId,
  type PairFacts,
  type Plan,
  type ProfileInfo,
  type SyncOptions
} from './plan.js'
import type { DeviceInfo, ProvisioningApi } from './provisioning-api.js'
import { madeMeanwhile, settleRaces } from './races.js'
import { noLog } from './state.js'

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
): Promise<Applied> {
  const log = o.log ?? noLog
  const limit = o.concurrency ?? 8
  const bundlesRegistered = await mapLimit(plan.state.bundlesToRegister, limit, async (b) => {
    const bundle = await api.registerBundleId(b)
    plan.state.bundles.set(b.identifier, {
      ...plan.state.bundles.get(b.identifier)!,
      id: bundle.id
    })
    log.info(`Registered bundle ID ${b.identifier} ('${b.name}', ${b.platform}).`)
    runReport.step(`registered bundle ID ${b.identifier}`)
    return b
  })
  const enabled = [...plan.state.capabilityChanges].flatMap(([identifier, types]) =>
    types.map((type) => ({ identifier, type }))
  )
  await mapLimit(enabled, limit, async ({ identifier, type }) => {
    await api.enableCapability(plan.state.bundles.get(identifier)!.id, type)
    log.info(`Enabled ${type} on ${identifier}.`)
  })
  for (const [identifier, types] of plan.state.capabilityChanges)
    runReport.step(`enabled ${types.join(', ')} on ${identifier}`)
  const registered = await mapLimit(plan.state.toRegister, limit, async (d) => {
    const device = await api.registerDevice({ udid: d.udid, name: d.name, platform: d.platform })
    log.info(`Registered device ${d.name} (${d.udid}).`)
    return device
  })
  // By id: a device registered meanwhile by another job comes back as the one already listed.
  const devices = [
    ...new Map([...plan.state.devices, ...registered].map((d) => [d.id, d])).values()
  ]
  if (registered.length) runReport.step(`registered ${registered.length} device(s)`)
  const run: Run = { api, plan, devices, o }
  const outcomes = await mapLimit(plan.decisions, limit, async (d) => {
    const outcome = await carryOut(run, d, true)
    if (outcome.taken === 'created' || outcome.taken === 'replaced')
      runReport.step(`${outcome.taken} '${d.name}' (${d.profileType}, ${d.bundleId})`)
    return outcome
  })
  await settleRaces(api, plan, outcomes, log)
  return { outcomes, registered, bundlesRegistered }
}

/** What a run changed: per decision, and the devices and bundle IDs it registered. */
export interface Applied {
  outcomes: Outcome[]
  registered: DeviceInfo[]
  bundlesRegistered: NewBundleId[]
}

/** What carrying out one decision needs: the port, the plan, the devices now registered. */
interface Run {
  api: ProvisioningApi
  plan: Plan
  devices: DeviceInfo[]
  o: SyncOptions
}

async function carryOut(run: Run, d: Decision, retry: boolean): Promise<Outcome> {
  const { api, plan, devices, o } = run
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
      if (!fresh) return vanished(run, d, retry)
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
    if (!nameTaken(e)) throw e
    // Another run may have made it meanwhile: read before anything else.
    const made = await madeMeanwhile(api, plan, d)
    if (made) {
      notes.push('made meanwhile by another run')
      profile = made
    } else {
      if (d.action !== 'replace') throw e
      log.info(
        `Apple refused a second profile named '${d.name}': deleting the old one first, then creating it again.`
      )
      for (const old of d.replaces) await remove(old)
      try {
        profile = await create()
      } catch (again) {
        const other = nameTaken(again) ? await madeMeanwhile(api, plan, d) : undefined
        if (!other) throw again
        notes.push('made meanwhile by another run')
        profile = other
      }
    }
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
async function vanished(run: Run, d: Decision, retry: boolean): Promise<Outcome> {
  const { api, plan, devices, o } = run
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
  const outcome = await carryOut({ ...run, plan: replan }, again, false)
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
