import * as core from '@actions/core'
import { findApp } from '#shared/asc/apps.js'
import { createClient } from '#shared/asc/connection.js'
import { group, setOutputs } from '#shared/outputs.js'
import { runAction } from '#shared/run.js'
import { readArchive } from './archive.js'
import { describeBuild, findBuild, waitForBuild, type BuildView } from './builds.js'
import { changingRequests, planConfiguration } from './plan.js'
import { platformInput } from '#shared/platforms.js'
import { readSettings } from './settings.js'
import { writeSummary } from './report.js'
import { resolveTarget } from './target.js'
import { applyPlan, type ApplyResult } from './apply.js'
import { preflight, type DistributionRequest } from './preflight.js'
import { AscTestFlightApi } from './testflight-api.js'
import { uploadArchive, type UploadResult } from './upload.js'

export async function run(): Promise<void> {
  return runAction('distribute-to-testflight', async () => {
    const settings = readSettings()
    const archive = settings.ipaPath
      ? await group('Reading the archive', () => readArchive(settings.ipaPath!))
      : undefined
    const target = resolveTarget(settings, archive)
    const client = createClient(settings.connection, 'distribute-to-testflight')
    const app = await findApp(client, {
      appId: target.appId,
      bundleId: target.bundleId,
      bundleIdSource: archive && !settings.bundleId ? archive.fileName : undefined
    })
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

    let upload: UploadResult | undefined
    let known: BuildView | string | undefined
    if (archive) {
      known = await findBuild(client, search)
      if (known)
        core.info(`Build ${name} is already in App Store Connect; it is not uploaded again.`)
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
          upload = sent
          core.info(`Build upload ${upload.uploadId} is COMPLETE.`)
          for (const w of upload.warnings) core.warning(`App Store Connect: ${w}`)
          known = upload.buildId
        }
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
          log: (m) => core.info(m)
        },
        known
      )
    )
    const build = waited.build
    core.info(`Build ${name} (${build.id}) is ${build.processingState}.`)

    let result: ApplyResult | undefined
    if (build.processingState === 'VALID') {
      const plan = planConfiguration(build, wanted)
      for (const w of plan.warnings) core.warning(w)
      result = await group(`Configuring TestFlight (${changingRequests(plan)} change(s))`, () =>
        applyPlan(api, { appId: app.id, build }, plan)
      )
      for (const n of result.notes) core.info(n)
    } else {
      const asked = wantsConfiguration(request)
      if (asked.length)
        core.warning(
          `Build ${name} is still ${build.processingState}, so ${asked.join(', ')} ${asked.length > 1 ? 'were' : 'was'} not applied (wait-for-processing is false). Run the step again once it is VALID.`
        )
    }

    setOutputs({
      'app-id': app.id,
      'build-id': build.id,
      version: build.version ?? target.version,
      'build-number': build.buildNumber,
      platform: platformInput(target.platform),
      'processing-state': build.processingState,
      'upload-id': upload?.uploadId,
      'beta-review-state': settings.submitForReview ? result?.reviewState : undefined,
      'public-link': result?.publicLink
    })
    await writeSummary({
      app,
      build,
      target,
      waitedMs: Date.now() - startedAt,
      upload,
      result,
      requests: client.stats.requests
    })
  })
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

function wantsConfiguration(s: DistributionRequest): string[] {
  return [
    s.usesNonExemptEncryption !== undefined && 'export compliance',
    Object.keys(s.whatToTest).length && 'What to Test',
    s.groups.length && 'groups',
    s.testers.length && 'testers',
    s.submitForReview && 'the beta review submission',
    s.notifyTesters && 'the notification',
    s.publicLinkGroup && 'the public link'
  ].filter((x): x is string => typeof x === 'string')
}
