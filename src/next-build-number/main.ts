import * as core from '@actions/core'
import { runAction, failureMessage } from '#shared/run.js'
import { group, setOutputs } from '#shared/outputs.js'
import { createClient } from '#shared/asc/connection.js'
import { findApp, type App } from '#shared/asc/apps.js'
import type { AscClient } from '#shared/asc/client.js'
import { serverText } from '#shared/log.js'
import { readSettings, type NextBuildNumberSettings } from './settings.js'
import { AscBuildNumbers, type BuildNumbersPort, type Listing } from './builds-api.js'
import { decide } from './build-numbers.js'
import { describeHeld, failureSummary, platformName, scope, summarize } from './report.js'

const ACTION = 'next-build-number'
const MAX_NAMED = 10

export async function run(): Promise<void> {
  return runAction(ACTION, async () => {
    try {
      const settings = readSettings()
      const client = createClient(settings.connection, ACTION)
      const port = new AscBuildNumbers(client)
      const found = await group('Find the app and the build numbers it holds', () =>
        findAppAndNumbers(client, port, settings)
      )
      const { app, builds, uploads } = found
      const decision = decide([...builds.numbers, ...uploads.numbers], settings.initial)
      if (decision.skipped.length) {
        const named = decision.skipped.slice(0, MAX_NAMED).map((n) => `'${serverText(n, 60)}'`)
        const more = decision.skipped.length - named.length
        core.warning(
          `Skipped ${decision.skipped.length} build number(s) that are not dot-separated integers and cannot be compared: ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`,
          { title: 'Build numbers skipped' }
        )
      }
      const incomplete = !builds.complete || !uploads.complete
      if (incomplete)
        core.warning(
          'App Store Connect stopped a listing early; the number below may already be taken. Run the step again to read every page.',
          { title: 'Listing incomplete' }
        )
      const latest = decision.latest
      const line = latest
        ? `Latest build number ${serverText(latest.buildNumber)}: ${serverText(describeHeld(latest))}. Next build number: ${serverText(decision.next)}.`
        : `No build or build upload among ${scope(settings)} yet. Next build number: ${decision.next} (initial).`
      core.info(line)
      setOutputs({
        'build-number': decision.next,
        'latest-build-number': latest?.buildNumber ?? '',
        source: latest?.kind ?? 'initial'
      })
      core.notice(
        `Next build number for ${platformName(settings.platform)}: ${serverText(decision.next)}.`,
        {
          title: 'Next build number'
        }
      )
      await summarize(settings, app, {
        decision,
        incomplete,
        counts: {
          builds: builds.numbers.length,
          uploads: uploads.numbers.length,
          buildPages: builds.pages,
          uploadPages: uploads.pages,
          requests: client.stats.requests
        }
      }).write()
    } catch (error) {
      await failureSummary(failureMessage(ACTION, error)).write()
      throw error
    }
  })
}

async function resolveApp(client: AscClient, settings: NextBuildNumberSettings): Promise<App> {
  const app = await findApp(client, { appId: settings.appId, bundleId: settings.bundleId })
  core.info(`App: ${serverText(app.name)} (${serverText(app.bundleId)}, ${serverText(app.id)})`)
  return app
}

/**
 * The app, its builds and its build uploads. Given app-id, all three are read at once (the
 * listings need only the ID; an unknown app still fails on the lookup, whose error wins); given
 * bundle-id, the two listings start together once the lookup answers.
 */
async function findAppAndNumbers(
  client: AscClient,
  port: BuildNumbersPort,
  settings: NextBuildNumberSettings
): Promise<{ app: App; builds: Listing; uploads: Listing }> {
  const list = (appId: string) => {
    const filter = { platform: settings.platform, version: settings.version }
    const listings = Promise.all([port.builds(appId, filter), port.uploads(appId, filter)])
    listings.catch(() => undefined) // a failed lookup wins; the listings' errors are then moot
    return listings
  }
  const early = settings.appId ? list(settings.appId) : undefined
  const app = await resolveApp(client, settings)
  const [builds, uploads] = await (early ?? list(app.id))
  core.info(
    `${builds.numbers.length} build(s) in ${builds.pages} page(s), ${uploads.numbers.length} build upload(s) in flight or complete in ${uploads.pages} page(s), among ${scope(settings)}.`
  )
  return { app, builds, uploads }
}
