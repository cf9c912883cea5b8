import type { BuildView } from './builds.js'
import type { BetaGroupInfo } from './groups.js'
import { sanitiseNotes } from './notes.js'

export interface Tester {
  id: string
  email: string
}

/** What the user asked for, with names already resolved against the app (see preflight.ts). */
export interface Wanted {
  usesNonExemptEncryption?: boolean
  whatToTest: Record<string, string>
  groups: BetaGroupInfo[]
  testers: Tester[]
  submitForReview: boolean
  notifyTesters: boolean
  /** The public link group: found (`group`) or to be created (`name`). */
  publicLink?: { name: string; group?: BetaGroupInfo; limit?: number }
}

export interface LocalizationChange {
  locale: string
  text: string
  /** Set: update this localization; unset: create one. */
  id?: string
}

/** Every change to make to an already-processed build, decided from its current state. */
export interface Plan {
  compliance?: boolean
  localizations: LocalizationChange[]
  unchangedLocales: string[]
  /** Groups to add the build to (existing groups only; a new public link group gets it on creation). */
  addGroups: BetaGroupInfo[]
  groupsAlready: BetaGroupInfo[]
  /** Internal groups that get every build by themselves: nothing to link (Apple would refuse). */
  groupsAllBuilds: BetaGroupInfo[]
  publicLink?:
    | { action: 'create'; name: string; limit?: number }
    | { action: 'update'; group: BetaGroupInfo; limit?: number }
    | { action: 'none'; group: BetaGroupInfo }
  addTesters: Tester[]
  testersAlready: Tester[]
  review: 'submit' | 'existing' | 'none'
  notify: 'send' | 'auto' | 'none'
  warnings: string[]
  notes: string[]
}

/** The public link group needs a change when its link is off or its limit differs. */
function linkNeedsChange(group: BetaGroupInfo, limit?: number): boolean {
  if (!group.publicLinkEnabled) return true
  if (limit === undefined) return false
  return !group.publicLinkLimitEnabled || group.publicLinkLimit !== limit
}

/** What to Test: the locales to write and those already as wanted. Can run while PROCESSING. */
export interface NotesPlan {
  localizations: LocalizationChange[]
  unchangedLocales: string[]
  /** Text that was changed to be accepted (cut to 4,000 characters, characters replaced). */
  warnings: string[]
}

export function planNotes(build: BuildView, whatToTest: Record<string, string>): NotesPlan {
  const warnings: string[] = []
  const localizations: LocalizationChange[] = []
  const unchangedLocales: string[] = []
  for (const [locale, raw] of Object.entries(whatToTest)) {
    const { text, changes } = sanitiseNotes(raw, locale)
    warnings.push(...changes)
    const existing = build.localizations.find(
      (l) => l.locale.toLowerCase() === locale.toLowerCase()
    )
    if (existing && (existing.whatsNew ?? '') === text) unchangedLocales.push(locale)
    else localizations.push({ locale: existing?.locale ?? locale, text, id: existing?.id })
  }
  return { localizations, unchangedLocales, warnings }
}

export function planConfiguration(build: BuildView, wanted: Wanted): Plan {
  const notes: string[] = []

  const { localizations, unchangedLocales, warnings } = planNotes(build, wanted.whatToTest)
  let compliance: boolean | undefined
  if (wanted.usesNonExemptEncryption !== undefined) {
    if (build.usesNonExemptEncryption === undefined || build.usesNonExemptEncryption === null)
      compliance = wanted.usesNonExemptEncryption
    else if (build.usesNonExemptEncryption !== wanted.usesNonExemptEncryption)
      warnings.push(
        `The build already answers export compliance with usesNonExemptEncryption: ${build.usesNonExemptEncryption}; it was left as it is (uses-non-exempt-encryption is ${wanted.usesNonExemptEncryption}).`
      )
  }

  const targetGroups = [...wanted.groups]
  let publicLink: Plan['publicLink']
  if (wanted.publicLink) {
    const { group, name, limit } = wanted.publicLink
    if (!group) publicLink = { action: 'create', name, limit }
    else {
      if (!targetGroups.some((g) => g.id === group.id)) targetGroups.push(group)
      publicLink = linkNeedsChange(group, limit)
        ? { action: 'update', group, limit }
        : { action: 'none', group }
    }
  }
  const has = new Set(build.groupIds)
  const groupsAllBuilds = targetGroups.filter((g) => g.allBuilds && !has.has(g.id))
  const linkable = targetGroups.filter((g) => !groupsAllBuilds.includes(g))
  const addGroups = linkable.filter((g) => !has.has(g.id) && !g.hasBuild)
  const groupsAlready = linkable.filter((g) => has.has(g.id) || g.hasBuild)

  const testerIds = new Set(build.testerIds)
  const addTesters = wanted.testers.filter((t) => !testerIds.has(t.id))
  const testersAlready = wanted.testers.filter((t) => testerIds.has(t.id))

  let review: Plan['review'] = 'none'
  if (wanted.submitForReview) {
    review = build.reviewSubmission ? 'existing' : 'submit'
    if (build.reviewSubmission)
      notes.push(
        `Already submitted for beta review (${build.reviewSubmission.state ?? 'state unknown'}); not submitted again.`
      )
  }

  let notify: Plan['notify'] = 'none'
  if (wanted.notifyTesters) {
    notify = build.autoNotifyEnabled ? 'auto' : 'send'
    if (build.autoNotifyEnabled)
      notes.push('Testers are notified automatically for this build (auto-notify is on).')
  }

  return {
    compliance,
    localizations,
    unchangedLocales,
    addGroups,
    groupsAlready,
    groupsAllBuilds,
    publicLink,
    addTesters,
    testersAlready,
    review,
    notify,
    warnings,
    notes
  }
}

/** How many changing requests the plan makes (for the log and the bench's minimum). */
export function changingRequests(plan: Plan): number {
  return (
    (plan.compliance !== undefined ? 1 : 0) +
    plan.localizations.length +
    (plan.addGroups.length ? 1 : 0) +
    (plan.publicLink && plan.publicLink.action !== 'none' ? 1 : 0) +
    (plan.addTesters.length ? 1 : 0) +
    (plan.review === 'submit' ? 1 : 0) +
    (plan.notify === 'send' ? 1 : 0)
  )
}
