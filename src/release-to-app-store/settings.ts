import { ConfigurationError } from '#shared/errors.js'
import { Inputs } from '#shared/inputs.js'
import { readConnectionSettings, type ConnectionSettings } from '#shared/asc/connection.js'
import { PLATFORMS, readPlatform, type ApplePlatform } from '#shared/platforms.js'

export const PHASED_ACTIONS = ['pause', 'resume', 'complete'] as const
export type PhasedAction = (typeof PHASED_ACTIONS)[number]

/** What release-to-app-store does, read from its inputs (actions/release-to-app-store/action.yml). */
export interface ReleaseSettings {
  connection: ConnectionSettings
  /** `app-id` / `bundle-id`: the app; one is set, both may be. */
  appId?: string
  bundleId?: string
  /** `platform`, Apple's name; default IOS. */
  platform: ApplePlatform
  /** `version`: the marketing version to release. */
  version: string
  /** `phased-release`: pause, resume or complete it; undefined does neither. */
  phasedRelease?: PhasedAction
  dryRun: boolean
}

export function readSettings(inputs = new Inputs()): ReleaseSettings {
  const connection = readConnectionSettings(inputs)
  const appId = inputs.optional('app-id')
  const bundleId = inputs.optional('bundle-id')
  const platform = readPlatform(inputs) ?? PLATFORMS.ios
  const version = inputs.required('version', 'the marketing version to release, e.g. 1.4.0.')
  const phasedRelease = inputs.enumeration('phased-release', PHASED_ACTIONS)
  const dryRun = inputs.boolean('dry-run', false)
  if (!appId && !bundleId)
    throw new ConfigurationError(
      "is required: the app's App Store Connect ID (App Information > Apple ID), or set bundle-id.",
      'app-id'
    )
  return { connection, appId, bundleId, platform, version, phasedRelease, dryRun }
}
