import * as core from '@actions/core'
import { createClient } from '#shared/asc/connection.js'
import { group, setOutputs } from '#shared/outputs.js'
import { runAction } from '#shared/run.js'
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
import { planLine, profileOutputs, stepOutputs, summarize, summarizeCached } from './report.js'
import { readSettings } from './settings.js'
import { applyPlan, dryOutcomes, type Outcome } from './apply.js'
import { readState } from './state.js'
import { actionsLogger } from '#shared/log.js'

export async function run(): Promise<void> {
  return runAction('sync-profiles', async () => {
    const settings = readSettings()
    const devices = settings.devicesFile ? readDevicesFile(settings.devicesFile) : []
    const install = settings.install ? installFolders() : []
    const log = actionsLogger
    const pairs = settings.bundleIds.flatMap((bundleId) =>
      settings.profileTypes.map((profileType) => ({ bundleId, profileType }))
    )
    const cache =
      settings.cache !== 'false' && !settings.dryRun ? await loadCacheService() : undefined
    const prefix = keyPrefix(settings.bundleIds, settings.profileTypes)

    if (cache && settings.cache === 'restore') {
      const hit = await group('Restore profiles from the Actions cache', () =>
        restoreProfiles(cache, prefix, pairs, log)
      )
      if (hit) {
        const paths = await writeProfiles(hit.profiles, settings.outputDir, install)
        const profiles = hit.profiles.map(({ content: _content, ...p }) => ({
          ...p,
          path: paths.get(p.uuid) ?? ''
        }))
        setOutputs(stepOutputs(profiles, { created: 0, renewed: 0 }))
        core.info(
          `Installed ${profiles.length} profile(s) from the Actions cache (${hit.key}) without an API request.`
        )
        await summarizeCached(hit.key, profiles).write()
        return
      }
    }

    const client = createClient(settings.connection, 'sync-profiles')
    const api = new AscProvisioningApi(client)
    const options: SyncOptions = {
      bundleIds: settings.bundleIds,
      profileTypes: settings.profileTypes,
      certificateIds: settings.certificateIds,
      devices,
      renewWithinDays: settings.renewWithinDays,
      createMissing: settings.createMissing,
      now: new Date(),
      log
    }
    const plan = await group('Read bundle IDs, profiles, certificates and devices', async () =>
      makePlan(await readState(api, options), options)
    )
    await group(`Plan${settings.dryRun ? ' (dry run)' : ''}`, async () => {
      for (const d of plan.state.toRegister)
        core.info(`register ${d.name} (${d.udid}, devices-file line ${d.line})`)
      for (const d of plan.decisions) core.info(planLine(d))
    })

    let outcomes: Outcome[]
    let registered: Awaited<ReturnType<typeof applyPlan>>['registered'] = []
    let paths = new Map<string, string>()
    if (settings.dryRun) outcomes = dryOutcomes(plan)
    else {
      ;({ outcomes, registered } = await group(
        'Register devices, create and replace profiles',
        () => applyPlan(api, plan, options)
      ))
      const files = outcomes.flatMap((o) =>
        o.profile?.content ? [{ uuid: o.profile.uuid, content: o.profile.content }] : []
      )
      const removed = outcomes.flatMap((o) => o.deleted.map((p) => p.uuid))
      paths = await group('Write profiles', () =>
        writeProfiles(files, settings.outputDir, install, removed)
      )
    }

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
    await summarize(outcomes, {
      dryRun: settings.dryRun,
      registered,
      wouldRegister: plan.state.toRegister,
      outputDir: settings.outputDir,
      installed: install,
      requests: client.stats.requests,
      source: 'App Store Connect API'
    }).write()
  })
}
