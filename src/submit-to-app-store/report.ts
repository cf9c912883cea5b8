import { Summary } from '#shared/summary.js'
import { formatDate, platformName } from '#shared/display.js'
import type { ApplePlatform } from '#shared/platforms.js'
import type { App } from '#shared/asc/apps.js'
import type { RequestStats } from '#shared/asc/client.js'
import type { Plan } from './plan.js'

/** The plan as log lines (`Would …` in a dry run). */
export function planLines(plan: Plan, version: string): string[] {
  if (plan.status !== 'change') return []
  const lines: string[] = []
  if (plan.cancel)
    lines.push(
      `cancel the review submission of ${plan.cancel.version.versionString} (${plan.cancel.version.state})`
    )
  if (plan.compliance)
    lines.push(
      `answer export compliance on build ${plan.build?.buildNumber}: uses non-exempt encryption ${plan.compliance.usesNonExemptEncryption}`
    )
  if (plan.action === 'create') lines.push(`create version ${version}`)
  if (plan.action === 'rename')
    lines.push(`rename version ${plan.version?.versionString} to ${version}`)
  if (plan.attachBuild) lines.push(`attach build ${plan.attachBuild.buildNumber}`)
  if (plan.versionChanges.releaseType)
    lines.push(
      `set release type ${String(plan.versionChanges.releaseType)}${plan.versionChanges.earliestReleaseDate ? ` (${formatDate(String(plan.versionChanges.earliestReleaseDate))})` : ''}`
    )
  for (const l of plan.localizations)
    lines.push(`${l.id ? 'update' : 'add'} ${l.locale}: ${Object.keys(l.attributes).join(', ')}`)
  if (plan.reviewDetail)
    lines.push(`set review details: ${Object.keys(plan.reviewDetail.attributes).join(', ')}`)
  if (plan.phased)
    lines.push('delete' in plan.phased ? 'remove the phased release' : 'turn on phased release')
  if (plan.submission) lines.push(`submit ${version} for review`)
  return lines
}

export interface SubmitReport {
  version: string
  platform: ApplePlatform
  dryRun: boolean
  app?: App
  plan?: Plan
  done: string[]
  buildNumber?: string
  state?: string
  submissionId?: string
  error?: string
  stats?: RequestStats
}

function statusLine(r: SubmitReport): string {
  if (r.error !== undefined) return `❌ ${r.error}`
  const warn = r.plan?.warnings.length ? '⚠️' : '✅'
  const plan = r.plan
  if (!plan) return '✅ Nothing to do.'
  if (plan.status === 'in-review') return `✅ ${r.version} is already ${r.state}: nothing changed.`
  if (plan.status === 'approved')
    return `✅ ${r.version} is already approved (${r.state}): nothing changed.`
  if (r.dryRun)
    return `${warn} Dry run: ${planLines(plan, r.version).length} change(s) planned, nothing changed.`
  if (r.state && r.state !== 'WAITING_FOR_REVIEW' && plan.submission)
    return `${warn} ${r.version} reviewed: ${r.state}.`
  if (plan.submission) return `${warn} ${r.version} submitted for App Store review.`
  return `${warn} ${r.version} prepared for review (not submitted: submit is false).`
}

export function summarize(r: SubmitReport): Summary {
  const s = new Summary().heading('Submit to App Store').text(statusLine(r))
  s.facts([
    ['App', r.app ? `${r.app.name || r.app.id} (${r.app.bundleId || r.app.id})` : undefined],
    ['Platform', platformName(r.platform)],
    ['Version', r.version],
    ['Build', r.buildNumber],
    ['State', r.state],
    ['Submission', r.submissionId]
  ])
  for (const w of r.plan?.warnings ?? []) s.text(`⚠️ ${w}`)
  const rows = r.dryRun ? (r.plan ? planLines(r.plan, r.version) : []) : r.done
  if (rows.length) {
    s.heading(r.dryRun ? 'Changes planned' : 'Changes made', 3)
    s.table(
      ['Change'],
      rows.map((line) => [line])
    )
  }
  if (r.stats)
    s.text(
      `<details><summary>Requests</summary>\n\n${r.stats.requests} request(s) to App Store Connect, ${r.stats.retries} retried, ${r.stats.recovered} recovered after a lost answer.\n\n</details>`
    )
  return s
}
