import { formatDate, platformName } from '#shared/display.js'
import { Summary } from '#shared/summary.js'
import type { App } from '#shared/asc/apps.js'
import type { Decision, HeldNumber } from './build-numbers.js'
import type { NextBuildNumberSettings } from './settings.js'

export const ACTION_NAME = 'Next build number'

export { formatDate, platformName }

/**
 * Where the latest number came from, in words (server text: the caller makes it safe to print):
 * `build 45 of version 1.2.0, uploaded 2026-11-23 18:17 UTC (expired)`.
 */
export function describeHeld(h: HeldNumber): string {
  const what = h.kind === 'build' ? 'build' : 'build upload'
  const version = h.version ? ` of version ${h.version}` : ''
  const date = formatDate(h.date)
  const when = date
    ? `, ${h.kind === 'upload' && h.state === 'AWAITING_UPLOAD' ? 'created' : 'uploaded'} ${date}`
    : ''
  const notes = [
    h.expired ? 'expired' : undefined,
    h.kind === 'upload' && h.state ? h.state.toLowerCase().replace(/_/g, ' ') : undefined,
    h.kind === 'build' && h.state && h.state !== 'VALID' ? h.state.toLowerCase() : undefined
  ].filter(Boolean)
  return `${what} ${h.buildNumber}${version}${when}${notes.length ? ` (${notes.join(', ')})` : ''}`
}

/** Which builds were looked at: `iOS builds of version 1.2` or `iOS builds of every version`. */
export function scope(settings: Pick<NextBuildNumberSettings, 'platform' | 'version'>): string {
  return `${platformName(settings.platform)} builds of ${settings.version ? `version ${settings.version}` : 'every version'}`
}

export interface Counts {
  builds: number
  uploads: number
  buildPages: number
  uploadPages: number
  requests: number
}

export function summarize(
  settings: NextBuildNumberSettings,
  app: App,
  outcome: { decision: Decision; counts: Counts; incomplete: boolean }
): Summary {
  const s = new Summary().heading(ACTION_NAME)
  const { decision, counts } = outcome
  const warned = decision.skipped.length > 0 || outcome.incomplete
  const from = decision.latest
    ? `after ${describeHeld(decision.latest)}`
    : `the initial number: no build or upload yet`
  s.text(`${warned ? '⚠️' : '✅'} Next build number: **${decision.next}**, ${from}.`)
  s.facts([
    ['App', `${app.name || app.id} (${app.bundleId || app.id})`],
    ['Looked at', scope(settings)],
    ['Latest build number', decision.latest?.buildNumber ?? 'none'],
    ['Builds', counts.builds],
    ['Build uploads in flight or complete', counts.uploads],
    [
      'Skipped (not dot-separated integers)',
      decision.skipped.length ? decision.skipped.map((n) => `\`${n}\``).join(', ') : undefined
    ],
    ['Incomplete listing', outcome.incomplete ? 'yes: the number may already be taken' : undefined]
  ])
  s.text(
    `<details><summary>Requests</summary>\n\n${counts.requests} request(s), none changing anything: 1 app lookup, ${counts.buildPages} page(s) of builds, ${counts.uploadPages} page(s) of build uploads.\n\n</details>`
  )
  return s
}

/** The summary of a failed run: the same message as the `::error::` line. */
export function failureSummary(message: string): Summary {
  return new Summary().heading(ACTION_NAME).text(`❌ ${message}`)
}
