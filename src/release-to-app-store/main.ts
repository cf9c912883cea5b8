import * as core from '@actions/core'
import { runAction, failureMessage } from '#shared/run.js'
import { group, setOutputs } from '#shared/outputs.js'
import { redact } from '#shared/redact.js'
import { serverText } from '#shared/log.js'
import { createClient } from '#shared/asc/connection.js'
import { findApp } from '#shared/asc/apps.js'
import type { AscClient } from '#shared/asc/client.js'
import { AppStoreVersions } from '#shared/asc/app-store-versions.js'
import { readSettings, type ReleaseSettings } from './settings.js'
import { decideRelease } from './plan.js'
import { releaseLines, summarize, type ReleaseReport } from './report.js'

const NAME = 'release-to-app-store'

export async function run(): Promise<void> {
  return runAction(NAME, async () => {
    const settings = readSettings()
    const client = createClient(settings.connection, NAME)
    const report: ReleaseReport = {
      version: settings.version,
      platform: settings.platform,
      dryRun: settings.dryRun,
      done: []
    }
    try {
      await release(client, new AppStoreVersions(client), settings, report)
    } catch (error) {
      report.error = redact(failureMessage(NAME, error))
      throw error
    } finally {
      report.stats = client.stats
      await summarize(report).write()
    }
  })
}

async function release(
  client: AscClient,
  port: AppStoreVersions,
  s: ReleaseSettings,
  report: ReleaseReport
) {
  const early = s.appId ? port.list(s.appId, s.platform, s.version) : undefined
  early?.catch(() => undefined) // a failed app lookup wins
  const app = await findApp(client, { appId: s.appId, bundleId: s.bundleId })
  report.app = app
  const { versions } = await (early ?? port.list(app.id, s.platform, s.version))
  const version = versions[0]
  const plan = decideRelease(version, s)
  report.plan = plan
  report.state = version.state
  report.phasedState = version.phasedRelease?.state
  for (const line of plan.already) core.info(serverText(`${line}.`))
  for (const line of releaseLines(plan, s.version))
    core.info(serverText(`${s.dryRun ? 'Would ' : ''}${line}`))
  let state = version.state
  let phasedState = version.phasedRelease?.state
  if (!s.dryRun) {
    if (plan.release) {
      await group(`Release ${s.version}`, () => port.requestRelease(version.id))
      state = 'READY_FOR_DISTRIBUTION'
      if (phasedState === 'INACTIVE') phasedState = 'ACTIVE'
      report.done.push(`${s.version} released`)
    }
    if (plan.phased) {
      await port.setPhasedRelease(plan.phased.id, plan.phased.to)
      phasedState = plan.phased.to
      report.done.push(`phased release ${plan.phased.to}`)
    }
  }
  report.state = state
  report.phasedState = phasedState
  setOutputs({
    'version-id': version.id,
    'app-store-state': state,
    'phased-release-state': phasedState
  })
  core.notice(
    s.dryRun
      ? 'Dry run: nothing was changed.'
      : report.done.length
        ? `${report.done.join('; ')}.`
        : `Nothing changed: ${plan.already.join('; ')}.`,
    { title: 'Release to App Store' }
  )
}
