import { ConfigurationError } from '#shared/errors.js'
import type { ArchiveInfo } from './archive.js'
import type { DistributeSettings, Platform } from './settings.js'
import { platformInput } from '#shared/platforms.js'

/** The build this run is about: which app, and which version, build number and platform. */
export interface Target {
  appId?: string
  bundleId?: string
  /** Undefined when only the build number is known (then any version matches). */
  version?: string
  buildNumber: string
  platform: Platform
}

/**
 * Combines the inputs with what the archive says. An input that contradicts the archive is an error
 * naming the input (uploading one thing while expecting another is always a mistake).
 */
export function resolveTarget(settings: DistributeSettings, archive?: ArchiveInfo): Target {
  if (!archive) {
    return {
      appId: settings.appId,
      bundleId: settings.bundleId,
      version: settings.version,
      buildNumber: settings.buildNumber!,
      platform: settings.platform ?? 'IOS'
    }
  }
  const pick = (
    input: string,
    given: string | undefined,
    found: string | undefined,
    what: string
  ) => {
    if (given !== undefined && found !== undefined && given !== found)
      throw new ConfigurationError(
        `is '${given}' but ${archive.fileName} has ${what} '${found}' (in ${archive.source}); leave the input empty or fix it.`,
        input
      )
    return given ?? found
  }
  const bundleId = pick('bundle-id', settings.bundleId, archive.bundleId, 'bundle ID')
  const version = pick('version', settings.version, archive.version, 'version')
  const buildNumber = pick(
    'build-number',
    settings.buildNumber,
    archive.buildNumber,
    'build number'
  )
  const found = archive.platform
  if (settings.platform && found && settings.platform !== found && archive.source !== 'inputs')
    throw new ConfigurationError(
      `is '${platformInput(settings.platform)}' but ${archive.fileName} was built for ${platformInput(found)}; leave platform empty or fix it.`,
      'platform'
    )
  const platform = settings.platform ?? found ?? 'IOS'
  if (archive.kind === 'pkg' && (!version || !buildNumber || (!bundleId && !settings.appId)))
    throw new ConfigurationError(
      `could not read the version from ${archive.fileName}: set version, build-number and bundle-id (or app-id) for this .pkg.`,
      'ipa-path'
    )
  if (!version)
    throw new ConfigurationError(
      `${archive.fileName} has no version; set the version input.`,
      'version'
    )
  return { appId: settings.appId, bundleId, version, buildNumber: buildNumber!, platform }
}
