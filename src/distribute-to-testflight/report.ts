import type { App } from '#shared/asc/apps.js'
import { formatDuration } from '#shared/duration.js'
import { Summary } from '#shared/summary.js'
import type { BuildView } from './builds.js'
import type { Target } from './target.js'
import type { ApplyResult } from './apply.js'
import type { UploadResult } from './upload.js'

export interface SummaryFacts {
  app: App
  build: BuildView
  target: Target
  waitedMs: number
  upload?: UploadResult
  result?: ApplyResult
  requests: number
}

const mb = (bytes: number) => `${(bytes / (1 << 20)).toFixed(1)} MiB`

export function renderSummary(f: SummaryFacts): string {
  const { app, build, upload, result } = f
  const s = new Summary().heading(
    `TestFlight: ${app.name || app.bundleId} ${build.version ?? f.target.version ?? ''} (${build.buildNumber})`
  )
  const list = (added: string[] = [], already: string[] = []) =>
    [...added.map((x) => `${x} (added)`), ...already.map((x) => `${x} (already)`)].join(', ') ||
    undefined
  s.facts([
    ['App', `${app.name} (${app.bundleId}, ${app.id})`],
    ['Version', build.version ?? f.target.version],
    ['Build', `${build.buildNumber} (${build.id})`],
    ['Platform', build.platform ?? f.target.platform],
    ['Processing', `${build.processingState ?? '—'} after ${formatDuration(f.waitedMs)}`],
    [
      'Upload',
      upload
        ? `${mb(upload.bytes)} in ${upload.parts} part(s), ${formatDuration(upload.transferMs)} (${mb((upload.bytes / Math.max(1, upload.transferMs)) * 1000)}/s)${upload.retries ? `, ${upload.retries} retried` : ''}`
        : undefined
    ],
    [
      'What to Test',
      result?.localizations.map((l) => `${l.locale} (${l.action})`).join(', ') || undefined
    ],
    ['Groups', list(result?.groupsAdded, result?.groupsAlready)],
    ['Testers', list(result?.testersAdded, result?.testersAlready)],
    [
      'Beta review',
      result?.reviewState
        ? `${result.reviewState}${result.reviewSubmitted ? ' (submitted now)' : ''}`
        : undefined
    ],
    ['Notification', result?.notified],
    [
      'Public link',
      result?.publicLink ? `${result.publicLink} (${result.publicLinkGroup})` : undefined
    ],
    ['Requests', f.requests]
  ])
  if (result?.notes.length) s.list(result.notes)
  return s.toString()
}

export async function writeSummary(f: SummaryFacts): Promise<void> {
  await new Summary().text(renderSummary(f)).write()
}
