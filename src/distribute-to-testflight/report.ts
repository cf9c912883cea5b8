import type { App } from '#shared/asc/apps.js'
import { mdLink, webLinks } from '#shared/asc/web-links.js'
import { formatDate, platformName } from '#shared/display.js'
import { formatDuration } from '#shared/duration.js'
import type { ApplePlatform } from '#shared/platforms.js'
import type { Outcome } from '#shared/report.js'
import { Summary } from '#shared/summary.js'
import type { BuildView } from './builds.js'
import type { Target } from './target.js'
import type { ApplyResult, LocalizationOutcome } from './apply.js'
import type { UploadResult } from './upload.js'

export const ACTION_NAME = 'Distribute to TestFlight'

/** What the run knew when it ended; on a failure, as far as it got. */
export interface SummaryFacts {
  app?: App
  build?: BuildView
  target?: Target
  waitedMs?: number
  upload?: UploadResult
  result?: ApplyResult
  /** What to Test, written as soon as the build was visible. */
  notes?: LocalizationOutcome[]
  requests?: number
  /** Steps done so far (runReport.done), warnings and skipped steps (runReport). */
  done?: string[]
  warnings?: string[]
  skipped?: string[]
  /** Set on failure: the same message as the ::error::. */
  error?: string
}

/** Only Apple's own join links become links (server text never shapes a URL elsewhere). */
const TESTFLIGHT_LINK = /^https:\/\/testflight\.apple\.com\/join\/[A-Za-z0-9]+$/

const mb = (bytes: number) => `${(bytes / (1 << 20)).toFixed(1)} MiB`

/** `1.2.0 (42)`. */
export function buildName(f: Pick<SummaryFacts, 'build' | 'target'>): string {
  const version = f.build?.version ?? f.target?.version
  const number = f.build?.buildNumber ?? f.target?.buildNumber ?? '?'
  return `${version ? `${version} ` : ''}(${number})`
}

/** Every group that has the build once the run is done, in the order asked. */
export function groupsWithBuild(result: ApplyResult | undefined): string[] {
  if (!result) return []
  const names = [
    ...result.groupsAdded,
    ...result.groupsAlready,
    ...result.groupsAllBuilds,
    ...(result.publicLinkGroup ? [result.publicLinkGroup] : [])
  ]
  return [...new Set(names)]
}

/** The outcome in one sentence: `1.2.0 (42) is on TestFlight for QA, Friends and Family.` */
export function outcomeLine(f: SummaryFacts): string {
  const name = `${f.app?.name ? `${f.app.name} ` : ''}${buildName(f)}`
  if (f.build?.processingState !== 'VALID')
    return `${name} is ${f.build?.processingState ?? 'PROCESSING'} in App Store Connect.`
  const groups = groupsWithBuild(f.result)
  if (!groups.length) return `${name} is on TestFlight.`
  const list =
    groups.length > 1 ? `${groups.slice(0, -1).join(', ')} and ${groups.at(-1)}` : groups[0]
  return `${name} is on TestFlight for ${list}.`
}

function outcomeOf(f: SummaryFacts): Outcome {
  if (f.error) return 'fail'
  return f.warnings?.length || f.skipped?.length || f.result?.groupsRefused.length ? 'warn' : 'ok'
}

export function renderSummary(f: SummaryFacts): string {
  const { app, build, upload, result } = f
  const s = new Summary().heading(ACTION_NAME)
  const outcome = outcomeOf(f)
  s.status(outcome, f.error ?? outcomeLine(f))
  if (f.error)
    s.text(`**Already done:** ${f.done?.length ? f.done.join(', ') : 'nothing was changed'}.`)
  const platform = (build?.platform ?? f.target?.platform) as ApplePlatform | undefined
  const list = (...parts: Array<[string[] | undefined, string]>) =>
    parts.flatMap(([names = [], how]) => names.map((n) => `${n} (${how})`)).join(', ') || undefined
  const notes = [...(f.notes ?? []), ...(result?.localizations ?? [])]
  s.facts([
    [
      'App',
      app
        ? `${mdLink(app.name || app.bundleId, webLinks.app(app.id))} (${app.bundleId})`
        : undefined
    ],
    [
      'Build',
      build && app
        ? `${mdLink(buildName(f), webLinks.build(app.id, build.id, platform))} (${build.id}${build.uploadedDate ? `, uploaded ${formatDate(build.uploadedDate)}` : ''})`
        : undefined
    ],
    ['Platform', platform ? platformName(platform) : undefined],
    [
      'Processing',
      build ? `${build.processingState ?? '—'} after ${formatDuration(f.waitedMs ?? 0)}` : undefined
    ],
    [
      'Upload',
      upload
        ? `${mb(upload.bytes)} in ${upload.parts} part(s), ${formatDuration(upload.transferMs)} (${mb((upload.bytes / Math.max(1, upload.transferMs)) * 1000)}/s)${upload.retries ? `, ${upload.retries} retried` : ''}`
        : undefined
    ],
    ['What to Test', notes.map((l) => `${l.locale} (${l.action})`).join(', ') || undefined],
    [
      'Groups',
      list(
        [result?.groupsAdded, 'added'],
        [result?.groupsAlready, 'already'],
        [result?.groupsAllBuilds, 'has every build'],
        [result?.groupsRefused.map((r) => r.name), 'refused']
      )
    ],
    ['Testers', list([result?.testersAdded, 'added'], [result?.testersAlready, 'already'])],
    [
      'Beta review',
      result?.reviewState
        ? `${result.reviewState}${result.reviewSubmitted ? ' (submitted now)' : ''}`
        : undefined
    ],
    ['Notification', result?.notified],
    [
      'Public link',
      result?.publicLink
        ? `${mdLink(result.publicLink, TESTFLIGHT_LINK.test(result.publicLink) ? result.publicLink : undefined)} (${result.publicLinkGroup})`
        : undefined
    ]
  ])
  const attention = [
    ...(f.skipped ?? []).map((x) => `Skipped: ${x}`),
    ...(f.warnings ?? []),
    ...(result?.notes ?? [])
  ]
  if (attention.length) s.heading('Notes', 3).list(attention)
  if (f.requests !== undefined)
    s.details('Requests', `${f.requests} request(s) to App Store Connect.`)
  return s.toString()
}

export async function writeSummary(f: SummaryFacts): Promise<void> {
  await new Summary().text(renderSummary(f)).write()
}
