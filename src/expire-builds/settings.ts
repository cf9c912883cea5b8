import { ConfigurationError } from '#shared/errors.js'
import { Inputs } from '#shared/inputs.js'
import { readConnectionSettings, type ConnectionSettings } from '#shared/asc/connection.js'
import { readPlatform, type ApplePlatform } from '#shared/platforms.js'

/** What expire-builds does, read from its inputs (actions/expire-builds/action.yml). */
export interface ExpireBuildsSettings {
  connection: ConnectionSettings
  /** `app-id`: the app's App Store Connect ID. One of appId and bundleId is set; both may be. */
  appId?: string
  /** `bundle-id`: the app's bundle identifier, compared exactly. */
  bundleId?: string
  /** `platform`: only builds of this platform (Apple's name); undefined means every platform. */
  platform?: ApplePlatform
  /** `version`: only builds of this marketing version (CFBundleShortVersionString). */
  version?: string
  /** `older-than`: only builds uploaded longer ago than this many milliseconds. */
  olderThanMs?: number
  /** `keep-latest`: the N newest valid builds of each platform are kept (0 keeps none). */
  keepLatest?: number
  /** `keep-build-ids`: builds never expired, whatever else says. */
  keepBuildIds: string[]
  /** `include-in-review`: also expire builds waiting for or in beta review. Default false. */
  includeInReview: boolean
  /** `dry-run`: report the plan, change nothing. */
  dryRun: boolean
}

export function readSettings(inputs = new Inputs()): ExpireBuildsSettings {
  const connection = readConnectionSettings(inputs)
  const appId = inputs.optional('app-id')
  const bundleId = inputs.optional('bundle-id')
  const platform = readPlatform(inputs)
  const version = inputs.optional('version')
  const olderThanMs = inputs.duration('older-than')
  const keepLatest = inputs.integer('keep-latest', { min: 0 })
  const keepBuildIds = inputs.list('keep-build-ids')
  const includeInReview = inputs.boolean('include-in-review', false)
  const dryRun = inputs.boolean('dry-run', false)

  if (!appId && !bundleId)
    throw new ConfigurationError(
      "is required: the app's App Store Connect ID (App Information > Apple ID), or set bundle-id.",
      'app-id'
    )
  if (olderThanMs === undefined && keepLatest === undefined)
    throw new ConfigurationError(
      'expire-builds refuses to run without a criterion: set older-than (e.g. 30d), keep-latest (e.g. 5), or both.',
      'older-than'
    )
  if (olderThanMs === 0 && keepLatest === undefined)
    throw new ConfigurationError(
      "'0' selects every build, whatever its age, so alone it would expire them all: give a real age (e.g. 30d), or set keep-latest too to say how many of the newest builds stay.",
      'older-than'
    )
  return {
    connection,
    appId,
    bundleId,
    platform,
    version,
    olderThanMs,
    keepLatest,
    keepBuildIds,
    includeInReview,
    dryRun
  }
}
