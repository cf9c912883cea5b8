import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { nearest } from '#shared/asc/apps.js'
import { readConnectionSettings, type ConnectionSettings } from '#shared/asc/connection.js'
import { ConfigurationError } from '#shared/errors.js'
import { Inputs } from '#shared/inputs.js'
import { readCapabilities, type CapabilityType } from './capabilities.js'
import { PROFILE_TYPES, type ProfileType } from './profile-types.js'

/** How the Actions cache is used (an addition to the contract). */
export type CacheMode = 'false' | 'save' | 'restore'

export interface SyncProfilesSettings {
  connection: ConnectionSettings
  /** `bundle-ids`: the bundle identifiers whose profiles are synced, compared exactly. */
  bundleIds: string[]
  /** `profile-types`: Apple's profile types, e.g. IOS_APP_STORE. */
  profileTypes: ProfileType[]
  /** `certificate-ids`: certificates for new profiles; empty = every valid one of the needed kind. */
  certificateIds: string[]
  /** `devices-file`: path to Apple's tab-separated device list; its missing devices are registered. */
  devicesFile?: string
  /** `renew-within-days`: a profile expiring within this many days is replaced. */
  renewWithinDays: number
  /** `create-missing`: create a profile where a bundle ID has none of a type. */
  createMissing: boolean
  /** `output-dir`: where `<UUID>.mobileprovision` files are written (absolute). */
  outputDir: string
  /** `install`: also copy into the folders Xcode reads (resolved from `auto`: macOS only). */
  install: boolean
  /** `dry-run`: print the plan, change nothing (no request that changes, no file written). */
  dryRun: boolean
  /**
   * `cache`: `false` (default) never touches the Actions cache; `save` syncs through the API and
   * saves the profiles to the cache (the nightly job); `restore` installs the profiles a `save` run
   * cached without any API request, and syncs through the API when there is nothing usable.
   */
  cache: CacheMode
  /** `register-bundle-ids`: register a listed bundle ID that does not exist yet. */
  registerBundleIds: boolean
  /** `capabilities`: capability types enabled on every listed bundle ID (never disabled). */
  capabilities: CapabilityType[]
}

function isMacOS(env: NodeJS.ProcessEnv): boolean {
  return process.platform === 'darwin' || env.RUNNER_OS?.toLowerCase() === 'macos'
}

export function readSettings(
  inputs = new Inputs(),
  env: NodeJS.ProcessEnv = process.env
): SyncProfilesSettings {
  const connection = readConnectionSettings(inputs)
  const bundleIds = inputs.list('bundle-ids')
  const typeNames = inputs.list('profile-types')
  const certificateIds = inputs.list('certificate-ids')
  const devicesFile = inputs.optional('devices-file')
  const renewWithinDays = inputs.integer('renew-within-days', { fallback: 30, min: 0, max: 365 })!
  const createMissing = inputs.boolean('create-missing', true)
  const outputDirText = inputs.optional('output-dir')
  const installText = inputs.enumeration('install', ['auto', 'true', 'false'] as const, 'auto')!
  const dryRun = inputs.boolean('dry-run', false)
  const cache = inputs.enumeration('cache', ['false', 'save', 'restore'] as const, 'false')!
  const registerBundleIds = inputs.boolean('register-bundle-ids', false)
  const capabilities = readCapabilities(inputs.list('capabilities'))

  if (!connection.credentials.issuerId)
    throw new ConfigurationError(
      'is empty, so this is an individual API key: Apple allows provisioning (bundle IDs, certificates, devices, profiles) only with a team key. Create a team key with the Admin or Developer role (App Store Connect > Users and Access > Integrations > Team Keys) and pass its issuer-id.',
      'issuer-id'
    )
  if (!bundleIds.length)
    throw new ConfigurationError(
      'is required: the bundle identifiers whose profiles to sync, e.g. com.example.app.',
      'bundle-ids'
    )
  const badBundle = bundleIds.find((b) => !/^[A-Za-z0-9.-]+$/.test(b))
  if (badBundle)
    throw new ConfigurationError(
      `'${badBundle}' is not a bundle identifier (letters, digits, '-' and '.').`,
      'bundle-ids'
    )
  if (!typeNames.length)
    throw new ConfigurationError(
      `is required: one or more of ${PROFILE_TYPES.join(', ')}.`,
      'profile-types'
    )
  const profileTypes = typeNames.map((name) => {
    const found = PROFILE_TYPES.find((t) => t === name.toUpperCase().replace(/-/g, '_'))
    if (!found)
      throw new ConfigurationError(
        `'${name}' is not one of Apple's profile types (did you mean ${nearest(name.toUpperCase(), [...PROFILE_TYPES], 2).join(' or ')}?). Use: ${PROFILE_TYPES.join(', ')}.`,
        'profile-types'
      )
    return found
  })
  const badCert = certificateIds.find((c) => !/^[A-Za-z0-9]+$/.test(c))
  if (badCert)
    throw new ConfigurationError(
      `'${badCert}' is not a certificate ID (the ID from GET /v1/certificates, letters and digits).`,
      'certificate-ids'
    )

  const outputDir = resolve(
    outputDirText ?? join(env.RUNNER_TEMP || tmpdir(), 'provisioning-profiles')
  )
  const install = installText === 'auto' ? isMacOS(env) : installText === 'true'
  return {
    connection,
    bundleIds,
    profileTypes: [...new Set(profileTypes)],
    certificateIds,
    devicesFile,
    renewWithinDays,
    createMissing,
    outputDir,
    install,
    dryRun,
    cache,
    registerBundleIds,
    capabilities
  }
}
