import { Summary } from '#shared/summary.js'
import { formatDuration } from '#shared/duration.js'
import type { App } from '#shared/asc/apps.js'
import type { ExpireBuildsSettings } from './settings.js'
import { KEEP_REASONS, type BuildInfo, type KeepReason, type Plan } from './plan.js'

/** One line per build, for logs: `1.2.0 (45) IOS, uploaded 2024-05-01`. */
export function buildLine(b: BuildInfo): string {
  return `${b.version ?? '?'} (${b.buildNumber}) ${b.platform ?? '?'}, uploaded ${b.uploadedDate?.slice(0, 10) ?? 'unknown'} [${b.id}]`
}

/** What the summary says about the run: its scope and criteria (no credentials). */
export type ReportScope = Pick<
  ExpireBuildsSettings,
  'dryRun' | 'platform' | 'version' | 'olderThanMs' | 'keepLatest'
>

function criteriaText(s: ReportScope): string {
  const parts: string[] = []
  if (s.olderThanMs !== undefined) parts.push(`older than ${formatDuration(s.olderThanMs)}`)
  if (s.keepLatest !== undefined) parts.push(`beyond the ${s.keepLatest} newest of each platform`)
  return parts.join(', ')
}

/** The `plan` output: what was (or would be) expired, and why the rest was kept, in counts. */
export function planJson(plan: Plan, expired: readonly BuildInfo[], dryRun: boolean): unknown {
  return {
    dryRun,
    expire: expired.map((b) => ({
      id: b.id,
      version: b.version,
      buildNumber: b.buildNumber,
      platform: b.platform,
      uploadedDate: b.uploadedDate
    })),
    kept: plan.keep.length,
    keptBy: plan.keptBy
  }
}

export function summarize(
  settings: ReportScope,
  app: App,
  plan: Plan,
  expired: readonly BuildInfo[],
  notDone: readonly BuildInfo[]
): Summary {
  const s = new Summary().heading(
    settings.dryRun ? 'Expire builds (dry run: nothing changed)' : 'Expire builds'
  )
  s.facts([
    ['App', `${app.name || app.id} (${app.bundleId || app.id})`],
    ['Platform', settings.platform ?? 'all'],
    ['Version', settings.version ?? 'all'],
    ['Expire builds', criteriaText(settings)],
    [settings.dryRun ? 'Would expire' : 'Expired', expired.length],
    ['Kept', plan.keep.length]
  ])
  if (expired.length) {
    s.heading(settings.dryRun ? 'Builds that would be expired' : 'Builds expired', 3)
    s.table(
      ['Version', 'Build', 'Platform', 'Uploaded'],
      expired.map((b) => [b.version, b.buildNumber, b.platform, b.uploadedDate])
    )
  } else s.text(settings.dryRun ? 'No build would be expired.' : 'No build was expired.')
  if (notDone.length) {
    s.heading('Not expired because of the failure', 3)
    s.table(
      ['Version', 'Build', 'Platform', 'Uploaded'],
      notDone.map((b) => [b.version, b.buildNumber, b.platform, b.uploadedDate])
    )
  }
  const reasons = (Object.keys(KEEP_REASONS) as KeepReason[]).filter((r) => plan.keptBy[r] > 0)
  if (reasons.length) {
    s.heading('Builds kept', 3)
    s.table(
      ['Why', 'Builds'],
      reasons.map((r) => [KEEP_REASONS[r], plan.keptBy[r]])
    )
  }
  return s
}
