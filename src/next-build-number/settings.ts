import { ConfigurationError } from '#shared/errors.js'
import { Inputs } from '#shared/inputs.js'
import { readConnectionSettings, type ConnectionSettings } from '#shared/asc/connection.js'
import { readPlatform, type ApplePlatform } from '#shared/platforms.js'
import { isBuildNumber } from './build-numbers.js'

/** What next-build-number looks at, read from its inputs (actions/next-build-number/action.yml). */
export interface NextBuildNumberSettings {
  connection: ConnectionSettings
  /** `app-id`: the app's App Store Connect ID. One of appId and bundleId is set; both may be. */
  appId?: string
  /** `bundle-id`: the app's bundle identifier, compared exactly. */
  bundleId?: string
  /** `platform`: the builds' platform (Apple's name); default IOS. */
  platform: ApplePlatform
  /** `version`: only builds of this marketing version; undefined means every version. */
  version?: string
  /** `initial`: the number when the app has no build yet; default `1`. */
  initial: string
}

export function readSettings(inputs = new Inputs()): NextBuildNumberSettings {
  const connection = readConnectionSettings(inputs)
  const appId = inputs.optional('app-id')
  const bundleId = inputs.optional('bundle-id')
  const platform = readPlatform(inputs) ?? 'IOS'
  const version = inputs.optional('version')
  const initial = inputs.optional('initial') ?? '1'

  if (!appId && !bundleId)
    throw new ConfigurationError(
      "is required: the app's App Store Connect ID (App Information > Apple ID), or set bundle-id.",
      'app-id'
    )
  if (!isBuildNumber(initial))
    throw new ConfigurationError(
      `'${initial}' is not a build number: use one or more whole numbers separated by dots, e.g. 1 or 1.0.0.`,
      'initial'
    )
  return { connection, appId, bundleId, platform, version, initial }
}
