import * as core from '@actions/core'
import { runAction } from '#shared/run.js'
import { group, setOutputs } from '#shared/outputs.js'
import { createClient } from '#shared/asc/connection.js'
import { findApp, type App } from '#shared/asc/apps.js'
import { ConfigurationError } from '#shared/errors.js'
import { readSettings } from './settings.js'
import { AscBuildsApi, type BuildsApi } from './builds-api.js'
import { decide, type BuildInfo } from './plan.js'
import { expireAll } from './apply.js'
import { buildLine, outcomeLine, planJson, summarize } from './report.js'
import { failureMessage } from '#shared/run.js'
import { runReport } from '#shared/report.js'
import { serverText } from '#shared/log.js'
import { echo } from '#shared/inputs.js'
import { redact } from '#shared/redact.js'

export async function run(): Promise<void> {
  return runAction('expire-builds', async () => {
    const settings = readSettings()
    const client = createClient(settings.connection, 'expire-builds')
    const api = new AscBuildsApi(client)
    const { app, builds } = await group('Find the app and list its builds', () =>
      findAppAndBuilds(client, api, settings)
    )
    const plan = decide(builds, {
      platform: settings.platform,
      version: settings.version,
      olderThanMs: settings.olderThanMs,
      keepLatest: settings.keepLatest,
      keepBuildIds: settings.keepBuildIds,
      includeInReview: settings.includeInReview,
      now: Date.now()
    })
    core.info(`${plan.expire.length} build(s) to expire, ${plan.keep.length} kept.`)

    let expired = plan.expire
    let notDone: BuildInfo[] = []
    let failure: unknown
    if (!settings.dryRun && plan.expire.length) {
      const result = await group(`Expire ${plan.expire.length} build(s)`, () =>
        expireAll(api, plan.expire, {
          appId: app.id,
          onDone: (b, outcome) =>
            core.info(`${outcome === 'expired' ? 'Expired' : 'Already expired'}: ${buildLine(b)}`)
        })
      )
      expired = result.done.map((d) => d.build)
      const doneIds = new Set(expired.map((b) => b.id))
      notDone = plan.expire.filter((b) => !doneIds.has(b.id))
      failure = result.failure?.error
    } else if (settings.dryRun) {
      for (const b of plan.expire) core.info(`Would expire: ${buildLine(b)}`)
    }

    setOutputs({
      'expired-build-ids': expired.map((b) => b.id),
      'expired-count': String(expired.length),
      'kept-count': String(plan.keep.length),
      plan: planJson(plan, expired, settings.dryRun)
    })
    if (expired.length)
      runReport.step(
        `${settings.dryRun ? 'would expire' : 'expired'} ${expired.length} of ${plan.expire.length} build(s)`
      )
    const message =
      failure === undefined ? undefined : redact(failureMessage('expire-builds', failure))
    await summarize(settings, app, plan, expired, notDone, {
      failure: message,
      requests: client.stats.requests
    }).write()
    if (failure !== undefined) {
      core.info(
        `Expired ${expired.length} of ${plan.expire.length} build(s) before the failure; run the step again to carry on.`
      )
      throw failure
    }
    core.notice(outcomeLine(settings.dryRun, app, expired.length, plan.keep.length), {
      title: 'Expire builds'
    })
  })
}

/** Which app, which of its builds, and the builds that must exist. */
interface AppBuildsQuery {
  appId?: string
  bundleId?: string
  platform?: string
  version?: string
  keepBuildIds: readonly string[]
}

/**
 * The app, and its builds in one listing. Given app-id, both are read at once (the listing needs
 * only the ID; an unknown app still fails on the lookup, before anything changes). A keep-build-ids
 * entry that is no build of the app is refused.
 */
async function findAppAndBuilds(
  client: ReturnType<typeof createClient>,
  api: BuildsApi,
  want: AppBuildsQuery
): Promise<{ app: App; builds: BuildInfo[] }> {
  const filter = { platform: want.platform, version: want.version }
  const listing = want.appId ? api.list(want.appId, filter) : undefined
  listing?.catch(() => undefined) // a failed lookup wins; the listing's error is then moot
  const app = await findApp(client, { appId: want.appId, bundleId: want.bundleId })
  core.info(`App: ${serverText(app.name)} (${serverText(app.bundleId)}, ${serverText(app.id)})`)
  runReport.step(`found ${app.bundleId || app.id}`)
  const { builds, pages, complete } = await (listing ?? api.list(app.id, filter))
  core.info(`${builds.length} build(s) not expired yet, in ${pages} page(s).`)
  runReport.step(`listed ${builds.length} build(s) not expired yet`)
  if (!complete) {
    const text =
      'App Store Connect stopped listing builds early (an empty page that kept linking onwards); only the builds listed were considered. Run the step again later to reach the rest.'
    core.warning(text, { title: 'Listing incomplete' })
    runReport.warn(text)
  }
  const listed = new Set(builds.map((b) => b.id))
  const unseen = want.keepBuildIds.filter((id) => !listed.has(id))
  if (unseen.length) {
    const found = new Set(await api.existing(app.id, unseen))
    const unknown = unseen.filter((id) => !found.has(id))
    if (unknown.length)
      throw new ConfigurationError(
        `${unknown.map((id) => `'${echo(id)}'`).join(', ')} ${unknown.length === 1 ? 'is not a build' : 'are not builds'} of ${app.bundleId || app.id}; nothing was expired. Fix the IDs (a typo here could expire a build you meant to keep).`,
        'keep-build-ids'
      )
  }
  return { app, builds }
}
