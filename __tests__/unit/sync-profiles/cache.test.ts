import { describe, expect, it } from '@jest/globals'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CACHE_DIR,
  cacheKey,
  keyPrefix,
  restoreProfiles,
  saveProfiles,
  type CacheService,
  type CachedProfile
} from '../../../src/sync-profiles/cache.js'
import { writeProfiles, installFolders } from '../../../src/sync-profiles/files.js'

const NOW = new Date('2025-06-01T00:00:00Z')

/** An in-memory Actions cache: entries are copies of the cached folder's files. */
class MemoryCache implements CacheService {
  entries = new Map<string, Map<string, Buffer>>()
  saves = 0
  constructor(private readonly available = true) {}
  isFeatureAvailable() {
    return this.available
  }
  async restoreCache(
    paths: string[],
    primaryKey: string,
    restoreKeys: string[] = [],
    options: { lookupOnly?: boolean } = {}
  ) {
    const key = this.entries.has(primaryKey)
      ? primaryKey
      : [...this.entries.keys()].reverse().find((k) => restoreKeys.some((p) => k.startsWith(p)))
    if (!key) return undefined
    if (!options.lookupOnly) {
      mkdirSync(paths[0], { recursive: true })
      for (const [name, bytes] of this.entries.get(key)!) writeFileSync(join(paths[0], name), bytes)
    }
    return key
  }
  async saveCache(paths: string[], key: string) {
    this.saves++
    this.entries.set(
      key,
      new Map(readdirSync(paths[0]).map((n) => [n, readFileSync(join(paths[0], n))]))
    )
    return 1
  }
}

const log = {
  infos: [] as string[],
  warnings: [] as string[],
  debug() {},
  info(m: string) {
    this.infos.push(m)
  },
  warning(m: string) {
    this.warnings.push(m)
  }
}

function cached(uuid: string, bundleId: string, expires: string): CachedProfile {
  return {
    name: `${bundleId} App Store`,
    uuid,
    'bundle-id': bundleId,
    'profile-type': 'IOS_APP_STORE',
    'expiration-date': expires,
    content: Buffer.from(`bytes of ${uuid}`).toString('base64')
  }
}

describe('Actions cache hand-off', () => {
  const cwd = process.cwd()
  const inTemp = async <T>(fn: () => Promise<T>) => {
    process.chdir(mkdtempSync(join(tmpdir(), 'cache-')))
    try {
      return await fn()
    } finally {
      process.chdir(cwd)
    }
  }
  const prefix = keyPrefix(['com.example.b', 'com.example.a'], ['IOS_APP_STORE'])
  const pairs = [
    { bundleId: 'com.example.a', profileType: 'IOS_APP_STORE' as const },
    { bundleId: 'com.example.b', profileType: 'IOS_APP_STORE' as const }
  ]

  it('keys by bundle IDs and types (in any order), then by the profiles', () => {
    expect(keyPrefix(['com.example.a', 'com.example.b'], ['IOS_APP_STORE'])).toBe(prefix)
    expect(keyPrefix(['com.example.a'], ['IOS_APP_STORE'])).not.toBe(prefix)
    expect(cacheKey(prefix, [{ uuid: 'B' }, { uuid: 'A' }])).toBe(
      cacheKey(prefix, [{ uuid: 'A' }, { uuid: 'B' }])
    )
    expect(cacheKey(prefix, [{ uuid: 'A' }])).toMatch(new RegExp(`^${prefix}[0-9a-f]{16}$`))
  })

  it('saves once per set of profiles and restores them byte for byte, leaving no folder behind', async () => {
    const cache = new MemoryCache()
    const profiles = [
      cached('11111111-1111-4111-A111-111111111111', 'com.example.a', '2026-01-01T00:00:00Z'),
      cached('22222222-2222-4222-A222-222222222222', 'com.example.b', '2026-01-01T00:00:00Z')
    ]
    await inTemp(async () => {
      expect(await saveProfiles(cache, prefix, profiles, log, NOW)).toBe(cacheKey(prefix, profiles))
      expect(await saveProfiles(cache, prefix, profiles, log, NOW)).toBe(cacheKey(prefix, profiles))
      expect(cache.saves).toBe(1)
      const hit = await restoreProfiles(cache, prefix, pairs, log, NOW)
      expect(
        hit?.profiles.map((p) => [p.uuid, Buffer.from(p.content, 'base64').toString()])
      ).toEqual([
        ['11111111-1111-4111-A111-111111111111', 'bytes of 11111111-1111-4111-A111-111111111111'],
        ['22222222-2222-4222-A222-222222222222', 'bytes of 22222222-2222-4222-A222-222222222222']
      ])
      expect(existsSync(CACHE_DIR)).toBe(false)
    })
  })

  it('falls back to the API when a pair is missing or expired', async () => {
    const cache = new MemoryCache()
    await inTemp(async () => {
      await saveProfiles(
        cache,
        prefix,
        [
          cached('11111111-1111-4111-A111-111111111111', 'com.example.a', '2026-01-01T00:00:00Z'),
          cached('22222222-2222-4222-A222-222222222222', 'com.example.b', '2025-05-01T00:00:00Z')
        ],
        log,
        NOW
      )
      expect(await restoreProfiles(cache, prefix, pairs, log, NOW)).toBeUndefined()
      expect(log.infos.at(-1)).toMatch(
        /no valid IOS_APP_STORE for com\.example\.b; syncing through the API/
      )
    })
  })

  it('degrades with a warning when the cache service is not there', async () => {
    const cache = new MemoryCache(false)
    log.warnings = []
    expect(await restoreProfiles(cache, prefix, pairs, log, NOW)).toBeUndefined()
    expect(await saveProfiles(cache, prefix, [], log, NOW)).toBeUndefined()
    expect(log.warnings).toEqual([
      expect.stringMatching(/not available.*through the API/),
      expect.stringMatching(/not available.*not saved/)
    ])
  })
})

const OLD = '0000AAAA-0000-4000-A000-00000000AAAA'
const NEW = '0000BBBB-0000-4000-A000-00000000BBBB'

describe('writing profiles', () => {
  it('writes <UUID>.mobileprovision into the output and install folders and removes replaced ones', async () => {
    const root = mkdtempSync(join(tmpdir(), 'profiles-'))
    const install = installFolders(join(root, 'home'))
    expect(install).toEqual([
      join(root, 'home/Library/MobileDevice/Provisioning Profiles'),
      join(root, 'home/Library/Developer/Xcode/UserData/Provisioning Profiles')
    ])
    await writeProfiles(
      [{ uuid: OLD, content: Buffer.from('old').toString('base64') }],
      join(root, 'out'),
      install
    )
    const paths = await writeProfiles(
      [{ uuid: NEW, content: Buffer.from([0x30, 0x84, 0xff]).toString('base64') }],
      join(root, 'out'),
      install,
      [OLD]
    )
    expect(paths.get(NEW)).toBe(join(root, 'out', `${NEW}.mobileprovision`))
    for (const dir of install) {
      expect(readFileSync(join(dir, `${NEW}.mobileprovision`))).toEqual(
        Buffer.from([0x30, 0x84, 0xff])
      )
      expect(existsSync(join(dir, `${OLD}.mobileprovision`))).toBe(false)
    }
  })
})
