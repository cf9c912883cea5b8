import * as core from '@actions/core'
import { findApp } from '#shared/asc/apps.js'
import { createClient } from '#shared/asc/connection.js'
import { group, setOutputs } from '#shared/outputs.js'
import { failureMessage, runAction } from '#shared/run.js'
import type { AscClient } from '#shared/asc/client.js'
import { serverText } from '#shared/log.js'
import { redact } from '#shared/redact.js'
import { runReport } from '#shared/report.js'
import { readArchive } from './archive.js'
import { describeBuild, findBuild, waitForBuild, type BuildView } from './builds.js'
import { changingRequests, planConfiguration, planNotes } from './plan.js'
import { platformInput } from '#shared/platforms.js'
import { readSettings } from './settings.js'
import { outcomeLine, writeSummary, type SummaryFacts } from './report.js'
import { resolveTarget } from './target.js'
import { applyLocalizations, applyPlan, type ApplyResult } from './apply.js'
import { preflight, type DistributionRequest } from './preflight.js'
import { AscTestFlightApi } from './testflight-api.js'
import { uploadArchive } from './upload.js'

const ACTION = 'distribute-to-testflight'

export async function run(): Promise<void> {
  return runAction(ACTION, async () => {
    const facts: SummaryFacts = {}
    const seen: { client?: AscClient } = {}
    try {
      await distribute(facts, seen)
    } catch (error) {
      await writeSummary({
        ...facts,
        ...fromReport(),
        requests: seen.client?.stats.requests,
        error: redact(failureMessage(ACTION, error))
      }).catch(() => undefined)
      runReport.summaryWritten = true
      throw error
    }
  })
}

const fromReport = () => ({
  done: [...runReport.done],
  warnings: [...runReport.warnings],
  skipped: [...runReport.skipped]
})

function warn(message: string, title: string): void {
  core.warning(message, { title })
  runReport.warn(message)
}

async function distribute(facts: SummaryFacts, seen: { client?: AscClient }): Promise<void> {
  const settings = readSettings()
  const archive = settings.ipaPath
    ? await group('Reading the archive', () => readArchive(settings.ipaPath!))
    : undefined
  const target = resolveTarget(settings, archive)
  facts.target = target
  const client = createClient(settings.connection, ACTION)
  seen.client = client
  const app = await findApp(client, {
    appId: target.appId,
    bundleId: target.bundleId,
    bundleIdSource: archive && !settings.bundleId ? archive.fileName : undefined
  })
  facts.app = app
  const api = new AscTestFlightApi(client)
  const request = distributionRequest(settings)
  const wanted = await group('Checking groups and testers', () => preflight(api, app.id, request))
  const search = {
    appId: app.id,
    version: target.version,
    buildNumber: target.buildNumber,
    platform: target.platform
  }
  const name = describeBuild(search)
  const startedAt = Date.now()

  let known: BuildView | string | undefined
  if (archive) {
    known = await findBuild(client, search)
    if (known) core.info(`Build ${name} is already in App Store Connect; it is not uploaded again.`)
    else {
      const sent = await group(`Uploading ${archive.fileName}`, () =>
        uploadArchive(client, app.id, archive, target, {
          pollIntervalMs: settings.pollIntervalMs,
          startedAt,
          deadline: startedAt + settings.processingTimeoutMs,
          log: (m) => core.info(m)
        })
      )
      if ('reused' in sent) known = sent.buildId
      else {
        facts.upload = sent
        runReport.step(`uploaded ${archive.fileName}`)
        core.info(`Build upload ${sent.uploadId} is COMPLETE.`)
        for (const w of sent.warnings) warn(`App Store Connect: ${w}`, 'Upload warning')
        known = sent.buildId
      }
    }
  }

  // What to Test is accepted while the build processes: written as soon as the build is visible.
  const writeNotes = async (visible: BuildView) => {
    facts.build = visible
    const notes = planNotes(visible, wanted.whatToTest)
    for (const w of notes.warnings) warn(w, 'What to Test changed')
    facts.notes = await applyLocalizations(api, { appId: app.id, build: visible }, notes)
    if (notes.localizations.length) {
      runReport.step('notes set')
      core.info(
        `What to Test set for ${notes.localizations.map((l) => l.locale).join(', ')} (build ${visible.processingState ?? 'PROCESSING'}).`
      )
    }
  }
  const waited = await group(`Waiting for build ${name}`, () =>
    waitForBuild(
      client,
      search,
      {
        wait: settings.waitForProcessing,
        timeoutMs: settings.processingTimeoutMs,
        pollIntervalMs: settings.pollIntervalMs,
        startedAt,
        log: (m) => core.info(m),
        onVisible: writeNotes
      },
      known
    )
  )
  const build = waited.build
  facts.build = build
  facts.waitedMs = Date.now() - startedAt
  core.info(`Build ${name} (${build.id}) is ${build.processingState}.`)

  let result: ApplyResult | undefined
  if (build.processingState === 'VALID') {
    runReport.step('build VALID')
    const plan = planConfiguration(build, { ...wanted, whatToTest: {} })
    for (const w of plan.warnings) warn(w, 'Export compliance')
    result = await group(`Configuring TestFlight (${changingRequests(plan)} change(s))`, () =>
      applyPlan(api, { appId: app.id, build }, plan, (step) => runReport.step(step))
    )
    facts.result = result
    for (const g of result.groupsAllBuilds)
      core.info(
        `'${serverText(g)}' is an internal group that has every build; it has this one too (nothing to link).`
      )
    for (const r of result.groupsRefused)
      warn(
        `App Store Connect refused to give the build to '${serverText(r.name)}'${r.detail ? `: ${serverText(r.detail)}` : ''}. The other groups have it.`,
        'Group refused'
      )
    for (const n of result.notes) core.info(serverText(n))
  } else {
    const asked = wantsConfiguration(request)
    if (asked.length) {
      core.warning(
        `Build ${name} is still ${build.processingState}, so ${asked.join(', ')} ${asked.length > 1 ? 'were' : 'was'} not applied (wait-for-processing is false). Run the step again once it is VALID.`,
        { title: 'Configuration skipped' }
      )
      runReport.skip(
        `${asked.join(', ')}: the build is ${build.processingState} and wait-for-processing is false`
      )
    }
  }

  setOutputs({
    'app-id': app.id,
    'build-id': build.id,
    version: build.version ?? target.version,
    'build-number': build.buildNumber,
    platform: platformInput(target.platform),
    'processing-state': build.processingState,
    'upload-id': facts.upload?.uploadId,
    'beta-review-state': settings.submitForReview ? result?.reviewState : undefined,
    'public-link': result?.publicLink
  })
  core.notice(serverText(outcomeLine(facts)), { title: 'TestFlight' })
  await writeSummary({ ...facts, ...fromReport(), requests: client.stats.requests })
  runReport.summaryWritten = true
}

/** The part of the settings that says what to do with the build (no credentials, no paths). */
function distributionRequest(s: DistributionRequest): DistributionRequest {
  return {
    usesNonExemptEncryption: s.usesNonExemptEncryption,
    whatToTest: s.whatToTest,
    groups: s.groups,
    testers: s.testers,
    submitForReview: s.submitForReview,
    notifyTesters: s.notifyTesters,
    publicLinkGroup: s.publicLinkGroup,
    publicLinkLimit: s.publicLinkLimit
  }
}

/** What waits for a VALID build (What to Test does not: it is written while processing). */
function wantsConfiguration(s: DistributionRequest): string[] {
  return [
    s.usesNonExemptEncryption !== undefined && 'export compliance',
    s.groups.length && 'groups',
    s.testers.length && 'testers',
    s.submitForReview && 'the beta review submission',
    s.notifyTesters && 'the notification',
    s.publicLinkGroup && 'the public link'
  ].filter((x): x is string => typeof x === 'string')
}
