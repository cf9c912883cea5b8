import { Summary } from '#shared/summary.js'
import { platformName } from '#shared/display.js'
import type { ApplePlatform } from '#shared/platforms.js'
import type { App } from '#shared/asc/apps.js'
import type { RequestStats } from '#shared/asc/client.js'
import type { ReleasePlan } from './plan.js'

export interface ReleaseReport {
  version: string
  platform: ApplePlatform
  dryRun: boolean
  app?: App
  plan?: ReleasePlan
  state?: string
  phasedState?: string
  done: string[]
  error?: string
  stats?: RequestStats
}

/** The plan as log lines. */
export function releaseLines(plan: ReleasePlan, version: string): string[] {
  return [
    ...(plan.release ? [`release ${version}`] : []),
    ...(plan.phased
      ? [`move the phased release from ${plan.phased.from} to ${plan.phased.to}`]
      : [])
  ]
}

function statusLine(r: ReleaseReport): string {
  if (r.error !== undefined) return `❌ ${r.error}`
  if (!r.plan) return '✅ Nothing to do.'
  const lines = releaseLines(r.plan, r.version)
  if (r.dryRun) return `✅ Dry run: ${lines.length} change(s) planned, nothing changed.`
  if (!lines.length) return `✅ Nothing changed: ${r.plan.already.join('; ')}.`
  return `✅ ${r.done.join('; ')}.${r.plan.already.length ? ` Already done: ${r.plan.already.join('; ')}.` : ''}`
}

export function summarize(r: ReleaseReport): Summary {
  const s = new Summary().heading('Release to App Store').text(statusLine(r))
  s.facts([
    ['App', r.app ? `${r.app.name || r.app.id} (${r.app.bundleId || r.app.id})` : undefined],
    ['Platform', platformName(r.platform)],
    ['Version', r.version],
    ['State', r.state],
    ['Phased release', r.phasedState]
  ])
  if (r.dryRun && r.plan) {
    const lines = releaseLines(r.plan, r.version)
    if (lines.length)
      s.heading('Changes planned', 3).table(
        ['Change'],
        lines.map((l) => [l])
      )
  }
  if (r.stats)
    s.text(
      `<details><summary>Requests</summary>\n\n${r.stats.requests} request(s) to App Store Connect, ${r.stats.retries} retried, ${r.stats.recovered} recovered after a lost answer.\n\n</details>`
    )
  return s
}
