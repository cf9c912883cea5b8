// Seeds for next-build-number's e2e tests and benchmark: an app whose builds use several build
// number formats (plain integers, dotted, zero-padded, timestamps, and a few that are not numbers
// at all), over several marketing versions and platforms, some expired or still processing; build
// uploads in flight; and another app of the team with higher numbers that must never count.
import type { FakeAsc, Resource } from '../fake-asc/index.js'
import { seedBuild } from '../fake-asc/domains/testflight.js'
import { seedBuildUpload, type SeededUpload } from '../fake-asc/domains/build-uploads.js'

const DAY = 86_400_000
export const BUNDLE_ID = 'com.example.numbers'

export interface SeededNumber {
  version: string
  buildNumber: string
  platform?: 'IOS' | 'MAC_OS' | 'TV_OS' | 'VISION_OS'
  expired?: boolean
  processingState?: 'PROCESSING' | 'FAILED' | 'INVALID' | 'VALID'
  /** Days before now the build was uploaded. */
  daysAgo?: number
}

export interface NumbersApp {
  app: Resource
  /** Another app of the team, with build 9999 and an upload 10000: never counted. */
  otherApp: Resource
}

/** The app (and the other app), with no build yet. */
export function seedNumbersApp(fake: FakeAsc): NumbersApp {
  const app = fake.store.create('apps', { name: 'Numbers', bundleId: BUNDLE_ID, sku: 'NUMBERS' })
  const otherApp = fake.store.create('apps', {
    name: 'Other',
    bundleId: `${BUNDLE_ID}.other`,
    sku: 'OTHER'
  })
  seedBuild(fake, otherApp.id, { version: '9.9', buildNumber: '9999' })
  seedBuildUpload(fake, otherApp.id, { version: '9.9', buildNumber: '10000' })
  return { app, otherApp }
}

/** Builds of the app, as listed. */
export function seedBuilds(fake: FakeAsc, app: Resource, builds: SeededNumber[]): Resource[] {
  return builds.map((b) => {
    const build = seedBuild(fake, app.id, {
      version: b.version,
      buildNumber: b.buildNumber,
      platform: b.platform,
      processingState: b.processingState
    })
    const uploaded = new Date(fake.now() - (b.daysAgo ?? 1) * DAY).toISOString()
    fake.store.update('builds', build.id, {
      attributes: {
        uploadedDate: uploaded,
        ...(b.expired ? { expired: true, expirationDate: uploaded } : {})
      }
    })
    return build
  })
}

/** Build uploads of the app. */
export function seedUploads(fake: FakeAsc, app: Resource, uploads: SeededUpload[]): Resource[] {
  return uploads.map((u) => seedBuildUpload(fake, app.id, u))
}

/**
 * The mixed history most tests start from. Every iOS version: the highest is 100 (an expired build
 * of 1.1; 100 > 99 > 42.0 > 1.2.10). Version 1.2 alone: 1.2.10 (expired; > 1.2.9 and 1.2.3).
 */
export const MIXED: SeededNumber[] = [
  { version: '1.0', buildNumber: '9', daysAgo: 40, expired: true },
  { version: '1.0', buildNumber: '99', daysAgo: 39, expired: true },
  { version: '1.1', buildNumber: '100', daysAgo: 30, expired: true },
  { version: '1.2', buildNumber: '1.2.9', daysAgo: 20 },
  { version: '1.2', buildNumber: '1.2.10', daysAgo: 10, expired: true },
  { version: '1.2', buildNumber: '1.2-beta', daysAgo: 9 },
  { version: '1.2', buildNumber: 'nightly', daysAgo: 8 },
  { version: '1.2', buildNumber: '1.2.3', daysAgo: 2, processingState: 'PROCESSING' },
  { version: '1.3', buildNumber: '42.0', daysAgo: 1 },
  // Other platforms: higher numbers that an iOS build never sees.
  { version: '1.2', buildNumber: '500', platform: 'MAC_OS', daysAgo: 5 },
  { version: '1.2', buildNumber: '2026.11.30', platform: 'TV_OS', daysAgo: 3 }
]

/** `count` iOS builds numbered 1..count over versions of 100 builds each: the highest is `count`. */
export function plainHistory(count: number): SeededNumber[] {
  return Array.from({ length: count }, (_, i) => ({
    version: `1.${Math.floor(i / 100)}`,
    buildNumber: String(i + 1),
    expired: i < count - 50,
    daysAgo: (count - i) / 10
  }))
}
