import { mdLink, webLinks } from '#shared/asc/web-links.js'
import { formatDate } from '#shared/dates.js'
import type { RunReport } from '#shared/report.js'
import { Summary } from '#shared/summary.js'
import type { Applied, Outcome } from './apply.js'
import type { Decision, Plan } from './plan.js'
import type { ProfileType } from './profile-types.js'

export const ACTION_NAME = 'Sync profiles'

/** One entry of the `profiles` output (names fixed by the contract). */
export interface ProfileOutput {
  name: string
  uuid: string
  'bundle-id': string
  'profile-type': ProfileType
  'expiration-date': string
  path: string
}

/** A plan line for the log: `replace com.example.app IOS_APP_STORE 'Name': expired on …`. */
export function planLine(d: Decision): string {
  return `${d.action.padEnd(7)} ${d.bundleId} ${d.profileType} '${d.name}': ${d.reasons.join('; ')}`
}

/** Every line of the plan: bundle IDs to register, capabilities to enable, devices, profiles. */
export function planLines(plan: Plan): string[] {
  const { state } = plan
  return [
    ...state.bundlesToRegister.map(
      (b) => `register bundle ID ${b.identifier} ('${b.name}', ${b.platform})`
    ),
    ...[...state.capabilityChanges].map(
      ([identifier, types]) => `enable  ${types.join(', ')} on ${identifier}`
    ),
    ...state.toRegister.map((d) => `register ${d.name} (${d.udid}, devices-file line ${d.line})`),
    ...plan.decisions.map(planLine)
  ]
}

export function profileOutputs(outcomes: Outcome[], paths: Map<string, string>): ProfileOutput[] {
  return outcomes
    .filter((o) => o.profile)
    .map((o) => ({
      name: o.profile!.name || o.decision.name,
      uuid: o.profile!.uuid,
      'bundle-id': o.decision.bundleId,
      'profile-type': o.decision.profileType,
      'expiration-date': o.profile!.expirationDate,
      path: paths.get(o.profile!.uuid) ?? ''
    }))
}

/**
 * The step's outputs: `profiles` with every profile, and each field of the first one as an output
 * of its own (`uuid`, `name`, `path`, …), handy when a job syncs one profile.
 */
export function stepOutputs(
  profiles: ProfileOutput[],
  counts: { created: number; renewed: number }
): Record<string, unknown> {
  return {
    ...(profiles[0] ?? {}),
    profiles,
    'created-count': counts.created,
    'renewed-count': counts.renewed
  }
}

export interface ReportFacts {
  dryRun: boolean
  plan: Plan
  applied: Applied
  outputDir?: string
  installed: string[]
  requests?: number
  source: string
}

function tally(outcomes: Outcome[]): string {
  const n = (taken: string) => outcomes.filter((o) => o.taken === taken).length
  const parts = [
    ['created', n('created')],
    ['replaced', n('replaced')],
    ['kept', n('kept')],
    ['would create', n('would create')],
    ['would replace', n('would replace')],
    ['skipped', n('skipped')]
  ].filter(([, k]) => k)
  return parts.map(([w, k]) => `${w} ${k}`).join(', ') || 'nothing to do'
}

/** What the run did, in one line (the status line and the notice). */
export function noticeLine(outcomes: Outcome[], f: ReportFacts): string {
  const ready = outcomes.filter((o) => o.profile).length
  const extra = [
    f.plan.state.bundlesToRegister.length
      ? `${f.dryRun ? 'would register' : 'registered'} bundle ID ${f.plan.state.bundlesToRegister.map((b) => b.identifier).join(', ')}`
      : '',
    f.plan.state.capabilityChanges.size
      ? `${f.dryRun ? 'would enable' : 'enabled'} ${[...f.plan.state.capabilityChanges].map(([b, t]) => `${t.join(', ')} on ${b}`).join('; ')}`
      : ''
  ].filter(Boolean)
  return f.dryRun
    ? `Dry run, nothing changed: ${[tally(outcomes), ...extra].join('; ')}.`
    : `${ready} profile(s) ready: ${[tally(outcomes), ...extra].join('; ')}.`
}

export function summarize(outcomes: Outcome[], f: ReportFacts, report: RunReport): Summary {
  const s = new Summary().heading(ACTION_NAME)
  const warned = report.warnings.length > 0 || outcomes.some((o) => o.taken === 'skipped')
  s.status(warned ? 'warn' : 'ok', noticeLine(outcomes, f))
  const { state } = f.plan
  const who = (list: Array<{ udid: string; name: string }>) =>
    list.map((d) => `${d.name} (${d.udid})`).join(', ') || undefined
  s.facts([
    ['Source', f.source],
    [
      f.dryRun ? 'Devices that would be registered' : 'Devices registered',
      who(f.dryRun ? state.toRegister : f.applied.registered)
    ],
    [
      f.dryRun ? 'Bundle IDs that would be registered' : 'Bundle IDs registered',
      state.bundlesToRegister.map((b) => `${b.identifier} (${b.platform})`).join(', ') || undefined
    ],
    [
      f.dryRun ? 'Capabilities that would be enabled' : 'Capabilities enabled',
      [...state.capabilityChanges].map(([b, t]) => `${t.join(', ')} on ${b}`).join('; ') ||
        undefined
    ],
    ['Warnings', report.warnings.length ? report.warnings.join(' ') : undefined],
    ['Written to', f.dryRun ? undefined : f.outputDir],
    ['Installed into', f.dryRun || !f.installed.length ? undefined : f.installed.join(', ')],
    [
      'Profiles in the developer portal',
      mdLink('Certificates, Identifiers & Profiles', webLinks.profiles())
    ]
  ])
  s.table(
    ['Bundle ID', 'Type', 'Name', 'UUID', 'Expires', 'Action', 'Why'],
    outcomes.map((o) => {
      const why = [
        ...o.decision.reasons,
        ...o.deleted.map((p) => `deleted old ${p.uuid}`),
        ...o.notes
      ]
      return [
        o.decision.bundleId,
        o.decision.profileType,
        o.profile?.name || o.decision.name,
        o.profile?.uuid,
        o.profile?.expirationDate ? formatDate(o.profile.expirationDate) : undefined,
        o.taken,
        why.join('; ')
      ]
    })
  )
  if (f.requests !== undefined)
    s.details('Requests', `${f.requests} request(s) to the App Store Connect API.`)
  return s
}

/** The summary of a run that failed: the `::error::` message, then what was already done. */
export function failureSummary(message: string, report: RunReport): Summary {
  const s = new Summary().heading(ACTION_NAME).status('fail', message)
  if (report.done.length) s.heading('Already done', 3).list(report.done)
  else s.text('Nothing was changed.')
  return s
}

/** The summary of a run that installed the profiles from the Actions cache. */
export function summarizeCached(
  key: string,
  profiles: ProfileOutput[],
  report: RunReport
): Summary {
  return new Summary()
    .heading(ACTION_NAME)
    .status(
      report.warnings.length ? 'warn' : 'ok',
      `${profiles.length} profile(s) installed from the Actions cache (\`${key}\`); no API request was made.`
    )
    .table(
      ['Bundle ID', 'Type', 'Name', 'UUID', 'Expires', 'Action'],
      profiles.map((p) => [
        p['bundle-id'],
        p['profile-type'],
        p.name,
        p.uuid,
        formatDate(p['expiration-date']),
        'restored'
      ])
    )
}
