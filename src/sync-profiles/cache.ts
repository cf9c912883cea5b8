// The Actions cache as a hand-off between jobs: the nightly run (`cache: save`) syncs through the
// API and saves the profiles; build jobs (`cache: restore`) install them without spending API quota.
// @actions/cache (~2.5 MB, ~100 ms to load) is imported only here, lazily, when `cache` is not false.
import { createHash } from 'node:crypto'
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseAppleDate } from '#shared/dates.js'
import { errorMessage } from '#shared/errors.js'
import type { Logger } from '#shared/log.js'
import { PROFILE_UUID, profilePath } from './files.js'
import type { ProfileType } from './profile-types.js'

/** The part of @actions/cache used here (a fake in unit tests). */
export interface CacheService {
  isFeatureAvailable(): boolean
  restoreCache(
    paths: string[],
    primaryKey: string,
    restoreKeys?: string[],
    options?: { lookupOnly?: boolean },
    enableCrossOsArchive?: boolean
  ): Promise<string | undefined>
  saveCache(
    paths: string[],
    key: string,
    options?: object,
    enableCrossOsArchive?: boolean
  ): Promise<number>
}

/** One cached profile (the `profiles` output without `path`) with its bytes. */
export interface CachedProfile {
  name: string
  uuid: string
  'bundle-id': string
  'profile-type': ProfileType
  'expiration-date': string
  /** base64 of the file. */
  content: string
}

interface Manifest {
  version: 1
  savedAt: string
  profiles: Array<Omit<CachedProfile, 'content'>>
}

/**
 * The folder cached. Relative (to the workspace), so the same path is hashed into the cache version on
 * every OS: a Linux nightly job and a macOS build job share the entry (with enableCrossOsArchive).
 */
export const CACHE_DIR = '.sync-profiles-cache'

export async function loadCacheService(): Promise<CacheService> {
  return (await import('@actions/cache')) as unknown as CacheService
}

/** `sync-profiles-v1-<hash of the bundle IDs and types>-`: what a restore looks for. */
export function keyPrefix(bundleIds: string[], types: ProfileType[]): string {
  const what = JSON.stringify([[...bundleIds].sort(), [...types].sort()])
  return `sync-profiles-v1-${createHash('sha256').update(what).digest('hex').slice(0, 16)}-`
}

/** The prefix and a hash of the profiles' UUIDs: a new entry exactly when a profile changed. */
export function cacheKey(prefix: string, profiles: Array<{ uuid: string }>): string {
  const uuids = profiles
    .map((p) => p.uuid)
    .sort()
    .join(',')
  return `${prefix}${createHash('sha256').update(uuids).digest('hex').slice(0, 16)}`
}

/** Saves the synced profiles unless an entry with the same profiles exists. Never fails the step. */
export async function saveProfiles(
  service: CacheService,
  prefix: string,
  profiles: CachedProfile[],
  log: Logger,
  now = new Date()
): Promise<string | undefined> {
  if (!service.isFeatureAvailable()) {
    log.warning(
      'cache: the Actions cache service is not available on this runner, so the profiles were not saved to it.'
    )
    return undefined
  }
  const key = cacheKey(prefix, profiles)
  const dir = resolve(CACHE_DIR)
  try {
    if (await service.restoreCache([CACHE_DIR], key, [], { lookupOnly: true }, true)) {
      log.info(`cache: ${key} already holds these profiles; nothing to save.`)
      return key
    }
    await rm(dir, { recursive: true, force: true })
    await mkdir(dir, { recursive: true })
    const manifest: Manifest = {
      version: 1,
      savedAt: now.toISOString(),
      profiles: profiles.map(({ content: _content, ...rest }) => rest)
    }
    await Promise.all(
      profiles.map((p) => writeFile(profilePath(dir, p.uuid), Buffer.from(p.content, 'base64')))
    )
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2))
    const id = await service.saveCache([CACHE_DIR], key, {}, true)
    if (id === -1) return undefined
    log.info(`cache: saved ${profiles.length} profile(s) as ${key}.`)
    return key
  } catch (e) {
    log.warning(
      `cache: could not save the profiles (${errorMessage(e)}); the next restore will use the API.`
    )
    return undefined
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * The newest cached profiles for these bundle IDs and types, if every pair has one that has not
 * expired; undefined (with the reason logged) when the API must be used instead.
 */
export async function restoreProfiles(
  service: CacheService,
  prefix: string,
  pairs: Array<{ bundleId: string; profileType: ProfileType }>,
  log: Logger,
  now = new Date()
): Promise<{ key: string; profiles: CachedProfile[] } | undefined> {
  if (!service.isFeatureAvailable()) {
    log.warning(
      'cache: the Actions cache service is not available on this runner; syncing through the API instead.'
    )
    return undefined
  }
  const dir = resolve(CACHE_DIR)
  try {
    const key = await service.restoreCache([CACHE_DIR], `${prefix}latest`, [prefix], {}, true)
    if (!key) {
      log.info(
        'cache: no cached profiles for these bundle IDs and types yet; syncing through the API.'
      )
      return undefined
    }
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest
    const files = new Set(await readdir(dir))
    const usable = manifest.profiles.filter(
      (p) =>
        (parseAppleDate(p['expiration-date']) ?? 0) > now.getTime() &&
        PROFILE_UUID.test(p.uuid) &&
        files.has(`${p.uuid}.mobileprovision`)
    )
    const uncovered = pairs.filter(
      (pair) =>
        !usable.some(
          (p) => p['bundle-id'] === pair.bundleId && p['profile-type'] === pair.profileType
        )
    )
    if (uncovered.length) {
      log.info(
        `cache: ${key} has no valid ${uncovered.map((u) => `${u.profileType} for ${u.bundleId}`).join(', ')}; syncing through the API.`
      )
      return undefined
    }
    const profiles = await Promise.all(
      usable.map(async (p) => ({
        ...p,
        content: (await readFile(profilePath(dir, p.uuid))).toString('base64')
      }))
    )
    return { key, profiles }
  } catch (e) {
    log.warning(
      `cache: could not restore the profiles (${errorMessage(e)}); syncing through the API instead.`
    )
    return undefined
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
