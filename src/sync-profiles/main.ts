import * as core from '@actions/core'
import { createClient } from '#shared/asc/connection.js'
import { checkOutputDir } from '#shared/local-paths.js'
import { actionsLogger, serverText, type Logger } from '#shared/log.js'
import { group, setOutputs } from '#shared/outputs.js'
import { redact } from '#shared/redact.js'
import { runReport } from '#shared/report.js'
import { failureMessage, runAction } from '#shared/run.js'
import { applyPlan, dryOutcomes, type Applied } from './apply.js'
import {
  keyPrefix,
  loadCacheService,
  restoreProfiles,
  saveProfiles,
  type CachedProfile
} from './cache.js'
import { readDevicesFile } from './devices-file.js'
import { installFolders, writeProfiles } from './files.js'
import { count, makePlan, type SyncOptions } from './plan.js'
import { AscProvisioningApi } from './provisioning-api.js'
import {
  ACTION_NAME,
  failureSummary,
  noticeLine,
  planLines,
  profileOutputs,
  stepOutputs,
  summarize,
  summarizeCached
} from './report.js'
import { readSettings, type SyncProfilesSettings } from './settings.js'
import { readState } from './state.js'

/** Warnings carry a title and are kept for the summary's status line. */
const log: Logger = {
  ...actionsLogger,
  warning: (m) => {
    runReport.warn(m)
    core.warning(m, { title: ACTION_NAME })
  }
}

export async function run(): Promise<void> {
  return runAction('sync-profiles', async () => {
    try {
      await sync()
    } catch (error) {
      if (!runReport.summaryWritten) {
        await failureSummary(redact(failureMessage('sync-profiles', error)), runReport).write()
        runReport.summaryWritten = true
      }
      throw error
    }
  })
}

async function sync(): Promise<void> {
  const settings = readSettings()
  const devices = settings.devicesFile ? readDevicesFile(settings.devicesFile) : []
  const install = settings.install ? installFolders() : []
  // Local outputs are checked before the first request, so a bad folder changes nothing.
  if (!settings.dryRun) {
    checkOutputDir(settings.outputDir, 'output-dir')
    for (const dir of install) checkOutputDir(dir, 'install')
  }
  const cache =
    settings.cache !== 'false' && !settings.dryRun ? await loadCacheService() : undefined
  const prefix = keyPrefix(settings.bundleIds, settings.profileTypes)
  if (cache && settings.cache === 'restore' && (await fromCache(settings, install, cache, prefix)))
    return

  const client = createClient(settings.connection, 'sync-profiles')
  const api = new AscProvisioningApi(client)
  const options: SyncOptions = {
    bundleIds: settings.bundleIds,
    profileTypes: settings.profileTypes,
    certificateIds: settings.certificateIds,
    devices,
    renewWithinDays: settings.renewWithinDays,
    createMissing: settings.createMissing,
    registerBundleIds: settings.registerBundleIds,
    capabilities: settings.capabilities,
    now: new Date(),
    log
  }
  const plan = await group('Read bundle IDs, profiles, certificates and devices', async () =>
    makePlan(await readState(api, options), options)
  )
  await group(`Plan${settings.dryRun ? ' (dry run)' : ''}`, async () => {
    for (const line of planLines(plan)) core.info(serverText(line, 1000))
  })

  let applied: Applied
  let paths = new Map<string, string>()
  if (settings.dryRun)
    applied = { outcomes: dryOutcomes(plan), registered: [], bundlesRegistered: [] }
  else {
    applied = await group('Register, enable capabilities, create and replace profiles', () =>
      applyPlan(api, plan, options)
    )
    const files = applied.outcomes.flatMap((o) =>
      o.profile?.content ? [{ uuid: o.profile.uuid, content: o.profile.content }] : []
    )
    const removed = applied.outcomes.flatMap((o) => o.deleted.map((p) => p.uuid))
    paths = await group('Write profiles', () =>
      writeProfiles(files, settings.outputDir, install, removed)
    )
    runReport.step(`wrote ${files.length} profile file(s) to ${settings.outputDir}`)
  }

  const { outcomes } = applied
  const profiles = profileOutputs(outcomes, paths)
  const counts = count(plan.decisions)
  setOutputs(stepOutputs(profiles, counts))
  // In restore mode an unavailable service was already reported; save mode reports it itself.
  if (cache && (settings.cache === 'save' || cache.isFeatureAvailable())) {
    const cached: CachedProfile[] = outcomes.flatMap((o) =>
      o.profile?.content
        ? [
            {
              name: o.profile.name,
              uuid: o.profile.uuid,
              'bundle-id': o.decision.bundleId,
              'profile-type': o.decision.profileType,
              'expiration-date': o.profile.expirationDate,
              content: o.profile.content
            }
          ]
        : []
    )
    await group('Save profiles to the Actions cache', () =>
      saveProfiles(cache, prefix, cached, log)
    )
  }
  const facts = {
    dryRun: settings.dryRun,
    plan,
    applied,
    outputDir: settings.outputDir,
    installed: install,
    requests: client.stats.requests,
    source: 'App Store Connect API'
  }
  await summarize(outcomes, facts, runReport).write()
  runReport.summaryWritten = true
  core.notice(noticeLine(outcomes, facts), { title: ACTION_NAME })
}

/** `cache: restore`: installs the cached profiles without any API request; false when none fit. */
async function fromCache(
  settings: SyncProfilesSettings,
  install: string[],
  cache: Awaited<ReturnType<typeof loadCacheService>>,
  prefix: string
): Promise<boolean> {
  const pairs = settings.bundleIds.flatMap((bundleId) =>
    settings.profileTypes.map((profileType) => ({ bundleId, profileType }))
  )
  const hit = await group('Restore profiles from the Actions cache', () =>
    restoreProfiles(cache, prefix, pairs, log)
  )
  if (!hit) return false
  const paths = await writeProfiles(hit.profiles, settings.outputDir, install)
  const profiles = hit.profiles.map(({ content: _content, ...p }) => ({
    ...p,
    path: paths.get(p.uuid) ?? ''
  }))
  setOutputs(stepOutputs(profiles, { created: 0, renewed: 0 }))
  const line = `Installed ${profiles.length} profile(s) from the Actions cache (${hit.key}) without an API request.`
  core.info(line)
  await summarizeCached(hit.key, profiles, runReport).write()
  runReport.summaryWritten = true
  core.notice(line, { title: ACTION_NAME })
  return true
}
