import * as core from '@actions/core'
import { runAction } from '#shared/run.js'
import { group, setOutputs } from '#shared/outputs.js'
import { createClient } from '#shared/asc/connection.js'
import { findApp, type App } from '#shared/asc/apps.js'
import { ConfigurationError } from '#shared/errors.js'
import { readSettings, type ExpireBuildsSettings } from './settings.js'
import { AscBuilds, type BuildsPort } from './builds-api.js'
import { decide, type BuildInfo } from './plan.js'
import { expireAll } from './expire.js'
import { describeBuild, planJson, summarize } from './report.js'

export async function run(): Promise<void> {
  return runAction('expire-builds', async () => {
    const settings = readSettings()
    const client = createClient(settings.connection, 'expire-builds')
    const port = new AscBuilds(client)
    const { app, builds } = await group('Find the app and list its builds', () =>
      findAppAndBuilds(client, port, settings)
    )
    const plan = decide(builds, { ...settings, now: Date.now() })
    core.info(`${plan.expire.length} build(s) to expire, ${plan.keep.length} kept.`)

    let expired = plan.expire
    let notDone: BuildInfo[] = []
    let failure: unknown
    if (!settings.dryRun && plan.expire.length) {
      const result = await group(`Expire ${plan.expire.length} build(s)`, () =>
        expireAll(port, plan.expire, {
          onDone: (b, outcome) =>
            core.info(
              `${outcome === 'expired' ? 'Expired' : 'Already expired'}: ${describeBuild(b)}`
            )
        })
      )
      expired = result.done.map((d) => d.build)
      const doneIds = new Set(expired.map((b) => b.id))
      notDone = plan.expire.filter((b) => !doneIds.has(b.id))
      failure = result.failure?.error
    } else if (settings.dryRun) {
      for (const b of plan.expire) core.info(`Would expire: ${describeBuild(b)}`)
    }

    setOutputs({
      'expired-build-ids': expired.map((b) => b.id),
      'expired-count': String(expired.length),
      'kept-count': String(plan.keep.length),
      plan: planJson(plan, expired, settings.dryRun)
    })
    await summarize(settings, app, plan, expired, notDone).write()
    if (failure !== undefined) {
      core.info(
        `Expired ${expired.length} of ${plan.expire.length} build(s) before the failure; run the step again to carry on.`
      )
      throw failure
    }
  })
}

async function resolveApp(
  client: ReturnType<typeof createClient>,
  settings: ExpireBuildsSettings
): Promise<App> {
  const app = await findApp(client, { appId: settings.appId, bundleId: settings.bundleId })
  if (settings.appId && settings.bundleId && app.bundleId !== settings.bundleId)
    throw new ConfigurationError(
      `app ${settings.appId} has bundle ID '${app.bundleId}', not '${settings.bundleId}'; give one of app-id and bundle-id, or make them agree.`,
      'bundle-id'
    )
  core.info(`App: ${app.name} (${app.bundleId}, ${app.id})`)
  return app
}

/**
 * The app, and its builds in one listing. Given app-id, both are read at once (the listing needs
 * only the ID; an unknown app still fails on the lookup, before anything changes). A keep-build-ids
 * entry that is no build of the app is refused.
 */
async function findAppAndBuilds(
  client: ReturnType<typeof createClient>,
  port: BuildsPort,
  settings: ExpireBuildsSettings
): Promise<{ app: App; builds: BuildInfo[] }> {
  const listing = settings.appId ? port.list(settings.appId, settings) : undefined
  listing?.catch(() => undefined) // a failed lookup wins; the listing's error is then moot
  const app = await resolveApp(client, settings)
  const { builds, pages, complete } = await (listing ?? port.list(app.id, settings))
  core.info(`${builds.length} build(s) not expired yet, in ${pages} page(s).`)
  if (!complete)
    core.warning(
      'App Store Connect stopped listing builds early (an empty page that kept linking onwards); only the builds listed were considered. Run the step again later to reach the rest.'
    )
  const listed = new Set(builds.map((b) => b.id))
  const unseen = settings.keepBuildIds.filter((id) => !listed.has(id))
  if (unseen.length) {
    const found = new Set(await port.existing(app.id, unseen))
    const unknown = unseen.filter((id) => !found.has(id))
    if (unknown.length)
      throw new ConfigurationError(
        `${unknown.map((id) => `'${id}'`).join(', ')} ${unknown.length === 1 ? 'is not a build' : 'are not builds'} of ${app.bundleId || app.id}; nothing was expired. Fix the IDs (a typo here could expire a build you meant to keep).`,
        'keep-build-ids'
      )
  }
  return { app, builds }
}
