import { Summary } from '#shared/summary.js'
import { formatDuration } from '#shared/duration.js'
import type { App } from '#shared/asc/apps.js'
import { mdLink, webLinks } from '#shared/asc/web-links.js'
import { formatDate } from '#shared/dates.js'
import { serverText } from '#shared/log.js'
import type { ApplePlatform } from '#shared/platforms.js'
import { platformName as displayName } from '#shared/display.js'
import type { ExpireBuildsSettings } from './settings.js'
import { KEEP_REASONS, type BuildInfo, type KeepReason, type Plan } from './plan.js'

/** One line per build, for logs: `1.2.0 (45) IOS, uploaded 2024-05-01`. */
export function buildLine(b: BuildInfo): string {
  return serverText(
    `${b.version ?? '?'} (${b.buildNumber}) ${platformName(b.platform)}, uploaded ${b.uploadedDate ? formatDate(b.uploadedDate) : 'unknown'} [${b.id}]`
  )
}

function platformName(p: string | undefined): string {
  return p ? displayName(p as ApplePlatform) : '?'
}

/** The one `::notice` stating the outcome. */
export function outcomeLine(dryRun: boolean, app: App, expired: number, kept: number): string {
  const name = serverText(app.name || app.bundleId || app.id, 100)
  return dryRun
    ? `Dry run: ${expired} build(s) of ${name} would be expired, ${kept} kept; nothing changed.`
    : `${expired} build(s) of ${name} expired, ${kept} kept.`
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
  notDone: readonly BuildInfo[],
  run: { failure?: string; requests?: number } = {}
): Summary {
  const s = new Summary().heading('Expire builds')
  const appText = `${app.name || app.id} (${app.bundleId || app.id})`
  if (run.failure)
    s.status('fail', run.failure).text(
      `Expired ${expired.length} of ${plan.expire.length} build(s) before the failure; run the step again to carry on.`
    )
  else if (settings.dryRun)
    s.status(
      'ok',
      `Dry run: ${expired.length} build(s) would be expired, ${plan.keep.length} kept; nothing changed.`
    )
  else s.status('ok', `${expired.length} build(s) expired, ${plan.keep.length} kept.`)
  s.facts([
    [
      'App',
      mdLink(
        appText,
        safeLink(() => webLinks.app(app.id))
      )
    ],
    ['Platform', settings.platform ? platformName(settings.platform) : 'all'],
    ['Version', settings.version ?? 'all'],
    ['Expire builds', criteriaText(settings)],
    [
      'TestFlight',
      mdLink(
        'builds',
        safeLink(() => webLinks.testflight(app.id, settings.platform))
      )
    ]
  ])
  const rows = (list: readonly BuildInfo[]) =>
    list.map((b) => [
      b.version,
      b.buildNumber,
      platformName(b.platform),
      b.uploadedDate ? formatDate(b.uploadedDate) : undefined
    ])
  if (expired.length) {
    s.heading(settings.dryRun ? 'Builds that would be expired' : 'Builds expired', 3)
    s.table(['Version', 'Build', 'Platform', 'Uploaded'], rows(expired))
  } else s.text(settings.dryRun ? 'No build would be expired.' : 'No build was expired.')
  if (notDone.length) {
    s.heading('Not expired because of the failure', 3)
    s.table(['Version', 'Build', 'Platform', 'Uploaded'], rows(notDone))
  }
  const reasons = (Object.keys(KEEP_REASONS) as KeepReason[]).filter((r) => plan.keptBy[r] > 0)
  if (reasons.length) {
    s.heading('Builds kept', 3)
    s.table(
      ['Why', 'Builds'],
      reasons.map((r) => [KEEP_REASONS[r], plan.keptBy[r]])
    )
  }
  if (run.requests !== undefined)
    s.details('Requests', `${run.requests} request(s) to App Store Connect.`)
  return s
}

/** A web link, or none when the ID is not one Apple would issue. */
function safeLink(make: () => string): string | undefined {
  try {
    return make()
  } catch {
    return undefined
  }
}
