import { mapLimit } from '#shared/concurrency.js'
import type { BuildView } from './builds.js'
import type { LocalizationChange, Plan } from './plan.js'
import { ConflictError, type TestFlightApi } from './testflight-api.js'

/** What configuring the build came to (for the outputs and the summary). */
export interface ApplyResult {
  complianceSet: boolean
  localizations: LocalizationOutcome[]
  groupsAdded: string[]
  groupsAlready: string[]
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

/** Localizations written at once. */
const LOCALIZATION_CONCURRENCY = 4

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
  plan: Plan
): Promise<LocalizationOutcome[]> {
  const changed = await mapLimit(plan.localizations, LOCALIZATION_CONCURRENCY, (change) =>
    applyLocalization(api, t, change)
  )
  return [
    ...plan.unchangedLocales.map((locale) => ({ locale, action: 'unchanged' as const })),
    ...changed
  ]
}

/** Adds the build to the plan's groups, in one request. */
export async function applyGroups(api: TestFlightApi, t: ApplyTarget, plan: Plan): Promise<void> {
  if (plan.addGroups.length)
    await api.addBuildToGroups(
      t.build.id,
      plan.addGroups.map((g) => g.id)
    )
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
  if (pl.action === 'create') {
    const group = await api.createPublicLinkGroup(t.appId, t.build.id, pl.name, {
      limit: pl.limit
    })
    return {
      group: group.name,
      link: group.publicLink ?? (await api.publicLink(group.id)),
      note: `Created the external group '${group.name}' with a public link.`
    }
  }
  const group =
    pl.action === 'update' ? await api.enablePublicLink(pl.group.id, { limit: pl.limit }) : pl.group
  return { group: pl.group.name, link: group.publicLink ?? (await api.publicLink(pl.group.id)) }
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
  plan: Plan
): Promise<ApplyResult> {
  const complianceSet = await applyCompliance(api, target, plan)
  const localizations = await applyLocalizations(api, target, plan)
  await applyGroups(api, target, plan)
  const link = await applyPublicLink(api, target, plan)
  await applyTesters(api, target, plan)
  const review = await applyReview(api, target, plan)
  const notification = await applyNotification(api, target, plan)
  const notes = [...plan.notes, link.note, review.note, notification.note].filter(
    (n): n is string => n !== undefined
  )
  return {
    complianceSet,
    localizations,
    groupsAdded: plan.addGroups.map((g) => g.name),
    groupsAlready: plan.groupsAlready.map((g) => g.name),
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
