import * as core from '@actions/core'
import { runAction, failureMessage } from '#shared/run.js'
import { group, setOutputs } from '#shared/outputs.js'
import { redact } from '#shared/redact.js'
import { serverText } from '#shared/log.js'
import { createClient } from '#shared/asc/connection.js'
import { findApp, type App } from '#shared/asc/apps.js'
import type { AscClient } from '#shared/asc/client.js'
import { OperationFailedError } from '#shared/errors.js'
import { AppStoreVersions, type StoreSubmission } from '#shared/asc/app-store-versions.js'
import { readSettings, type SubmitSettings } from './settings.js'
import { changeCount, decide, type Plan } from './plan.js'
import { applyPlan, cancelSubmission, realClock, waitForReview } from './apply.js'
import { planLines, summarize, type SubmitReport } from './report.js'

const NAME = 'submit-to-app-store'

export async function run(): Promise<void> {
  return runAction(NAME, async () => {
    const settings = readSettings()
    const client = createClient(settings.connection, NAME)
    const report: SubmitReport = {
      version: settings.version,
      platform: settings.platform,
      dryRun: settings.dryRun,
      done: []
    }
    try {
      await submit(client, new AppStoreVersions(client), settings, report)
    } catch (error) {
      report.error = redact(failureMessage(NAME, error))
      throw error
    } finally {
      report.stats = client.stats
      await summarize(report).write()
    }
  })
}

async function resolveApp(client: AscClient, s: SubmitSettings): Promise<App> {
  const app = await findApp(client, { appId: s.appId, bundleId: s.bundleId })
  return app
}

/** The app, its versions for the platform, the wanted build and the open submissions: read once. */
async function read(client: AscClient, port: AppStoreVersions, s: SubmitSettings) {
  const early = s.appId ? port.list(s.appId, s.platform) : undefined
  early?.catch(() => undefined) // a failed app lookup wins
  const app = await resolveApp(client, s)
  const [listing, builds, submissions] = await Promise.all([
    early ?? port.list(app.id, s.platform),
    s.buildNumber !== undefined ? port.builds(app.id, s.platform, s.buildNumber) : undefined,
    s.submit ? port.submissions(app.id, s.platform) : ([] as StoreSubmission[])
  ])
  return { app, listing, builds, submissions }
}

async function submit(
  client: AscClient,
  port: AppStoreVersions,
  s: SubmitSettings,
  report: SubmitReport
) {
  const { app, listing, builds, submissions } = await group(
    'Read the app, its versions and the build',
    () => read(client, port, s)
  )
  report.app = app
  core.info(
    serverText(
      `App: ${app.name} (${app.bundleId}, ${app.id}); ${listing.versions.length} version(s) on this platform.`
    )
  )
  let plan = decide(s, listing, builds, submissions)
  report.plan = plan
  report.buildNumber = plan.build?.buildNumber
  report.state = plan.version?.state
  report.submissionId = plan.found?.id
  for (const n of plan.notices) core.info(serverText(n))
  for (const w of plan.warnings) core.warning(serverText(w), { title: 'What’s New skipped' })
  const lines = planLines(plan, s.version)
  core.info(`${changeCount(plan)} change(s) to make${lines.length ? ':' : '.'}`)
  for (const line of lines) core.info(serverText(`${s.dryRun ? 'Would ' : ''}${line}`))

  const outputs = (
    versionId: string | undefined,
    state: string | undefined,
    submission?: StoreSubmission
  ) =>
    setOutputs({
      'app-id': app.id,
      'version-id': versionId,
      version: s.version,
      'build-id': plan.build?.id,
      'app-store-state': state,
      'submission-id': submission?.id,
      'review-state': submission?.state
    })

  if (s.dryRun || plan.status !== 'change') {
    if (plan.status !== 'change')
      core.info(`${s.version} is already ${plan.version?.state}: nothing to change.`)
    let state = plan.version?.state
    if (!s.dryRun && plan.status === 'in-review' && s.waitFor === 'review') {
      state = (await waitFor(port, app.id, plan.version!.id, s)).state
      report.state = state
    }
    outputs(plan.version?.id, state, plan.found)
    core.notice(
      s.dryRun ? 'Dry run: nothing was changed.' : `${s.version} is ${state}; nothing changed.`,
      {
        title: 'Submit to App Store'
      }
    )
    return
  }

  if (plan.cancel) {
    const { submission, version } = plan.cancel
    if (!submission)
      throw new OperationFailedError(
        `version ${version.versionString} is ${version.state} but no review submission holds it; remove it from review in App Store Connect, then run the step again.`
      )
    await group(`Cancel the review of ${version.versionString}`, () =>
      cancelSubmission(port, submission, {
        timeoutMs: s.reviewTimeoutMs,
        pollIntervalMs: s.pollIntervalMs,
        clock: realClock,
        log: core
      })
    )
    report.done.push(`Review submission of ${version.versionString} canceled`)
    const again = await read(client, port, s)
    plan = decide(s, again.listing, again.builds, again.submissions)
    report.plan = plan
  }
  const applied = await group(
    `Prepare ${s.version}${plan.submission ? ' and submit it' : ''}`,
    () => applyPlan(port, app.id, s.platform, plan, s, core)
  )
  report.done.push(...applied.done)
  let state = applied.submission
    ? 'WAITING_FOR_REVIEW'
    : (plan.version?.state ?? 'PREPARE_FOR_SUBMISSION')
  report.state = state
  report.submissionId = applied.submission?.id
  if (s.waitFor === 'review' && applied.submission) {
    state = (await waitFor(port, app.id, applied.versionId, s)).state
    report.state = state
  }
  outputs(
    applied.versionId,
    state,
    applied.submission && { ...applied.submission, state: applied.submission.state }
  )
  core.notice(
    applied.submission
      ? `${s.version} submitted for App Store review (${state}).`
      : `${s.version} prepared; not submitted.`,
    { title: 'Submit to App Store' }
  )
}

function waitFor(port: AppStoreVersions, appId: string, versionId: string, s: SubmitSettings) {
  return group('Wait for App Review', () =>
    waitForReview(port, appId, versionId, {
      timeoutMs: s.reviewTimeoutMs,
      pollIntervalMs: s.pollIntervalMs,
      clock: realClock,
      log: core
    })
  )
}

export type { Plan }
