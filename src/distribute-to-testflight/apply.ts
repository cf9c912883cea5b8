import { mapLimit } from '#shared/concurrency.js'
import type { BuildView } from './builds.js'
import type { BetaGroupInfo } from './groups.js'
import type { LocalizationChange, NotesPlan, Plan } from './plan.js'
import {
  ALL_BUILDS_REFUSAL,
  ConflictError,
  RefusedError,
  type TestFlightApi
} from './testflight-api.js'

/** What configuring the build came to (for the outputs and the summary). */
export interface ApplyResult {
  complianceSet: boolean
  localizations: LocalizationOutcome[]
  groupsAdded: string[]
  groupsAlready: string[]
  /** Internal groups that get every build by themselves (nothing was linked). */
  groupsAllBuilds: string[]
  /** Groups App Store Connect refused to give the build to, with its reason. */
  groupsRefused: Array<{ name: string; detail?: string }>
  testersAdded: string[]
  testersAlready: string[]
  reviewState?: string
  reviewSubmitted: boolean
  notified?: 'sent' | 'automatic' | 'already'
  publicLink?: string
  publicLinkGroup?: string
  notes: string[]
}

export interface LocalizationOutcome {
  locale: string
  action: 'created' | 'updated' | 'unchanged'
}

/** The build being configured, and its app. */
export interface ApplyTarget {
  appId: string
  build: BuildView
}

/** Localizations (and, after a refusal, single groups) written at once. */
const LOCALIZATION_CONCURRENCY = 4

/** Records a finished step (for the summary of a run that fails later). */
export type StepLog = (text: string) => void

/** Answers export compliance, when the plan says to. */
export async function applyCompliance(api: TestFlightApi, t: ApplyTarget, plan: Plan) {
  if (plan.compliance === undefined) return false
  await api.setExportCompliance(t.build.id, plan.compliance)
  return true
}

/**
 * Writes one locale's What to Test notes: updates the localization the plan found, else creates one.
 * One made meanwhile (Apple answers 409), or one whose lost answer was recovered with other notes, is
 * updated instead.
 */
export async function applyLocalization(
  api: TestFlightApi,
  t: ApplyTarget,
  change: LocalizationChange
): Promise<LocalizationOutcome> {
  const updated = { locale: change.locale, action: 'updated' as const }
  if (change.id) {
    await api.updateLocalization(change.id, change.text)
    return updated
  }
  let existing
  try {
    const created = await api.createLocalization(t.build.id, change.locale, change.text)
    if (created.whatsNew === undefined || created.whatsNew === change.text)
      return { locale: change.locale, action: 'created' }
    existing = created
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e
    existing = await api.findLocalization(t.build.id, change.locale)
    if (!existing) throw e.cause
  }
  await api.updateLocalization(existing.id, change.text)
  return updated
}

export async function applyLocalizations(
  api: TestFlightApi,
  t: ApplyTarget,
  plan: Pick<NotesPlan, 'localizations' | 'unchangedLocales'>
): Promise<LocalizationOutcome[]> {
  const changed = await mapLimit(plan.localizations, LOCALIZATION_CONCURRENCY, (change) =>
    applyLocalization(api, t, change)
  )
  return [
    ...plan.unchangedLocales.map((locale) => ({ locale, action: 'unchanged' as const })),
    ...changed
  ]
}

export interface GroupsOutcome {
  added: BetaGroupInfo[]
  /** Refused as internal groups that have every build (Apple's answer says so). */
  allBuilds: BetaGroupInfo[]
  refused: Array<{ group: BetaGroupInfo; detail?: string }>
}

/**
 * Adds the build to the plan's groups in one request. When Apple refuses that request, the groups
 * are given one per request, so one group's refusal (an internal group that has every build) never
 * loses the others; a refusal that says the group is internal means it has the build already.
 */
export async function applyGroups(
  api: TestFlightApi,
  t: ApplyTarget,
  plan: Pick<Plan, 'addGroups'>
): Promise<GroupsOutcome> {
  const outcome: GroupsOutcome = { added: [], allBuilds: [], refused: [] }
  if (!plan.addGroups.length) return outcome
  try {
    await api.addBuildToGroups(
      t.build.id,
      plan.addGroups.map((g) => g.id)
    )
    outcome.added.push(...plan.addGroups)
    return outcome
  } catch (e) {
    if (!(e instanceof RefusedError)) throw e
    if (plan.addGroups.length === 1) return sort(outcome, plan.addGroups[0], e)
  }
  await mapLimit(plan.addGroups, LOCALIZATION_CONCURRENCY, async (group) => {
    try {
      await api.addBuildToGroups(t.build.id, [group.id])
      outcome.added.push(group)
    } catch (e) {
      if (!(e instanceof RefusedError)) throw e
      sort(outcome, group, e)
    }
  })
  const order = (list: BetaGroupInfo[]) => plan.addGroups.filter((g) => list.includes(g))
  return {
    added: order(outcome.added),
    allBuilds: order(outcome.allBuilds),
    refused: plan.addGroups
      .map((g) => outcome.refused.find((r) => r.group === g))
      .filter((r): r is GroupsOutcome['refused'][number] => r !== undefined)
  }
}

function sort(outcome: GroupsOutcome, group: BetaGroupInfo, e: RefusedError): GroupsOutcome {
  if (ALL_BUILDS_REFUSAL.test(e.detail ?? '')) outcome.allBuilds.push(group)
  else outcome.refused.push({ group, detail: e.detail })
  return outcome
}

/** Gives the build to the plan's individual testers, in one request. */
export async function applyTesters(api: TestFlightApi, t: ApplyTarget, plan: Plan): Promise<void> {
  if (plan.addTesters.length)
    await api.addTestersToBuild(
      t.build.id,
      plan.addTesters.map((tester) => tester.id)
    )
}

/** Creates or enables the public link group; its link and name, and a note when it was created. */
export async function applyPublicLink(
  api: TestFlightApi,
  t: ApplyTarget,
  plan: Plan
): Promise<{ link?: string; group?: string; note?: string }> {
  const pl = plan.publicLink
  if (!pl) return {}
  if (pl.action === 'create') return createPublicLink(api, t, pl.name, pl.limit)
  const group =
    pl.action === 'update' ? await api.enablePublicLink(pl.group.id, { limit: pl.limit }) : pl.group
  return { group: pl.group.name, link: group.publicLink ?? (await api.publicLink(pl.group.id)) }
}

/** The one every run keeps among groups of one name: the oldest (by createdDate, then lowest ID). */
export function keeperOf(groups: BetaGroupInfo[]): BetaGroupInfo | undefined {
  const time = (g: BetaGroupInfo) => {
    const ms = g.createdDate ? Date.parse(g.createdDate) : NaN
    return Number.isNaN(ms) ? Infinity : ms
  }
  return [...groups].sort(
    (a, b) => time(a) - time(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  )[0]
}

/**
 * Creates the public link group, then looks again: Apple accepts a second group of one name, so two
 * runs at once can each make one. Every run keeps the oldest; the run that made another removes it.
 * A create answered "already exists" (409) is followed by the same read, never a failure or a retry.
 */
async function createPublicLink(
  api: TestFlightApi,
  t: ApplyTarget,
  name: string,
  limit: number | undefined
): Promise<{ link?: string; group?: string; note?: string }> {
  let created: BetaGroupInfo | undefined
  try {
    created = await api.createPublicLinkGroup(t.appId, t.build.id, name, { limit })
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e
  }
  const same = await api.groupsNamed(t.appId, name)
  const keeper = keeperOf(
    created && !same.some((g) => g.id === created.id) ? [...same, created] : same
  )
  if (!keeper) throw new Error(`the group '${name}' was neither created nor found`)
  if (keeper.id === created?.id)
    return {
      group: keeper.name,
      link: keeper.publicLink ?? (await api.publicLink(keeper.id)),
      note: `Created the external group '${keeper.name}' with a public link.`
    }
  if (created) await api.deleteGroup(created.id)
  await api.addBuildToGroups(t.build.id, [keeper.id])
  const group =
    keeper.publicLinkEnabled && keeper.publicLink
      ? keeper
      : await api.enablePublicLink(keeper.id, { limit })
  return {
    group: keeper.name,
    link: group.publicLink ?? (await api.publicLink(keeper.id)),
    note: created
      ? `Another run created the external group '${keeper.name}' at the same time; this run's copy was removed and the build given to that one.`
      : undefined
  }
}

/** Submits the build for beta review; one submitted meanwhile is reported, not submitted again. */
export async function applyReview(
  api: TestFlightApi,
  t: ApplyTarget,
  plan: Plan
): Promise<{ state?: string; submitted: boolean; note?: string }> {
  const state = t.build.reviewSubmission?.state
  if (plan.review !== 'submit') return { state, submitted: false }
  try {
    return { state: (await api.submitForReview(t.build.id)).state, submitted: true }
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e
    const found = await api.reviewSubmission(t.build.id).catch(() => undefined)
    if (!found) throw e.cause
    return {
      state: found.state,
      submitted: false,
      note: `Already submitted for beta review (${found.state ?? 'state unknown'}); not submitted again.`
    }
  }
}

/** Sends the "new build" notification unless Apple sends it itself (auto-notify). */
export async function applyNotification(
  api: TestFlightApi,
  t: ApplyTarget,
  plan: Plan
): Promise<{ notified?: ApplyResult['notified']; note?: string }> {
  if (plan.notify === 'auto') return { notified: 'automatic' }
  if (plan.notify !== 'send') return {}
  try {
    await api.notifyTesters(t.build.id)
    return { notified: 'sent' }
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e
    return {
      notified: 'already',
      note: `App Store Connect did not send a new notification: ${e.detail ?? 'testers were already notified of this build'}.`
    }
  }
}

/**
 * Carries out a plan, step by step in this order: export compliance, What to Test, groups, the
 * public link, testers, beta review, the notification. Creates recover lost answers by reading;
 * relationship adds are idempotent.
 */
export async function applyPlan(
  api: TestFlightApi,
  target: ApplyTarget,
  plan: Plan,
  step: StepLog = () => undefined
): Promise<ApplyResult> {
  const complianceSet = await applyCompliance(api, target, plan)
  if (complianceSet) step('export compliance answered')
  const localizations = await applyLocalizations(api, target, plan)
  if (plan.localizations.length) step('notes set')
  const groups = await applyGroups(api, target, plan)
  const given = [
    ...groups.added,
    ...plan.groupsAlready,
    ...plan.groupsAllBuilds,
    ...groups.allBuilds
  ]
  if (given.length) step(`given to ${given.map((g) => g.name).join(', ')}`)
  const link = await applyPublicLink(api, target, plan)
  if (link.link) step(`public link of ${link.group} ready`)
  await applyTesters(api, target, plan)
  if (plan.addTesters.length) step(`given to ${plan.addTesters.length} tester(s)`)
  const review = await applyReview(api, target, plan)
  if (review.submitted) step('submitted for beta review')
  const notification = await applyNotification(api, target, plan)
  if (notification.notified === 'sent') step('testers notified')
  const notes = [...plan.notes, link.note, review.note, notification.note].filter(
    (n): n is string => n !== undefined
  )
  return {
    complianceSet,
    localizations,
    groupsAdded: groups.added.map((g) => g.name),
    groupsAlready: plan.groupsAlready.map((g) => g.name),
    groupsAllBuilds: [...plan.groupsAllBuilds, ...groups.allBuilds].map((g) => g.name),
    groupsRefused: groups.refused.map((r) => ({ name: r.group.name, detail: r.detail })),
    testersAdded: plan.addTesters.map((tester) => tester.email),
    testersAlready: plan.testersAlready.map((tester) => tester.email),
    reviewState: review.state,
    reviewSubmitted: review.submitted,
    notified: notification.notified,
    publicLink: link.link,
    publicLinkGroup: link.group,
    notes
  }
}
