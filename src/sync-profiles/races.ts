// Two runs at once (a rerun racing the first, two workflows) may each create a profile of the same
// name: Apple does not refuse that. After creating, every run looks again (one read for all the
// profiles it made); where a name has several, every run keeps the oldest, and the run that made
// another removes its own. Both runs end with the same profile and exit 0.
import { parseAppleDate } from '#shared/dates.js'
import type { Logger } from '#shared/log.js'
import { serverText } from '#shared/log.js'
import type { Outcome } from './apply.js'
import type { Decision, Plan, ProfileInfo } from './plan.js'
import type { NamedProfile, ProvisioningApi } from './provisioning-api.js'

/** Oldest first (creation date, then id): the one every run keeps. */
function oldestFirst(a: NamedProfile, b: NamedProfile): number {
  return (
    (parseAppleDate(a.createdDate) ?? 0) - (parseAppleDate(b.createdDate) ?? 0) ||
    a.id.localeCompare(b.id)
  )
}

/** Active profiles of the decision's name, type and bundle ID, other than those it replaces. */
function sameAs(found: NamedProfile[], plan: Plan, d: Decision): NamedProfile[] {
  const bundleId = plan.state.bundles.get(d.bundleId)?.id
  const old = new Set(d.replaces.map((p) => p.id))
  return found
    .filter(
      (p) =>
        p.name === d.name &&
        p.profileType === d.profileType &&
        p.bundleIdId === bundleId &&
        p.state === 'ACTIVE' &&
        !old.has(p.id)
    )
    .sort(oldestFirst)
}

/** After a create answered "already exists": the profile another run made, read back. */
export async function madeMeanwhile(
  api: ProvisioningApi,
  plan: Plan,
  d: Decision
): Promise<ProfileInfo | undefined> {
  const [first] = sameAs(await api.profilesNamed([d.name], [d.profileType]), plan, d)
  return first && withContent(api, first)
}

async function withContent(api: ProvisioningApi, p: ProfileInfo): Promise<ProfileInfo> {
  if (p.content) return p
  return { ...p, content: (await api.profile(p.id))?.content }
}

/** Looks again at every profile this run made; gives up its own where an older one exists. */
export async function settleRaces(
  api: ProvisioningApi,
  plan: Plan,
  outcomes: Outcome[],
  log: Logger
): Promise<void> {
  const made = outcomes.filter(
    (o) => o.profile && (o.taken === 'created' || o.taken === 'replaced')
  )
  if (!made.length) return
  const found = await api.profilesNamed(
    [...new Set(made.map((o) => o.decision.name))],
    [...new Set(made.map((o) => o.decision.profileType))]
  )
  for (const o of made) {
    const ours = o.profile!
    const [keeper] = sameAs(found, plan, o.decision)
    if (!keeper || keeper.id === ours.id) continue
    log.info(
      `Another run made a profile named '${serverText(o.decision.name)}' at the same time: keeping the older one (${serverText(keeper.uuid)}) and removing ours (${serverText(ours.uuid)}).`
    )
    await api.deleteProfile(ours.id)
    o.profile = await withContent(api, keeper)
    o.notes.push('another run made the same profile at the same time; kept the older one')
  }
}
