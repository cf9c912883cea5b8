// A seeded TestFlight history for expire-builds' e2e tests and benchmark: builds of two platforms
// and several marketing versions over four months, some expired, some processing or failed, some
// waiting for or in beta review. Deterministic (a fixed pseudo-random sequence); upload times sit at
// half past a whole day, so `older-than` in whole days never falls within minutes of a build.
import type { Resource, Store } from '../fake-asc/index.js'

const DAY = 86_400_000

export interface SeededBuild {
  id: string
  platform: 'IOS' | 'MAC_OS'
  version: string
  buildNumber: string
  uploadedMs: number
  expired: boolean
  processingState: 'PROCESSING' | 'FAILED' | 'INVALID' | 'VALID'
  betaReviewState?: 'WAITING_FOR_REVIEW' | 'IN_REVIEW' | 'REJECTED' | 'APPROVED'
}

export interface SeededHistory {
  app: Resource
  /** Another app of the team with builds of its own: never touched. */
  otherApp: Resource
  builds: SeededBuild[]
  otherBuilds: string[]
}

/** A small linear congruential generator: the same history on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

function addBuild(
  store: Store,
  app: Resource,
  versions: Map<string, Resource>,
  b: SeededBuild
): Resource {
  const key = `${b.platform}/${b.version}`
  let prv = versions.get(key)
  if (!prv) {
    prv = store.create('preReleaseVersions', { version: b.version, platform: b.platform }, { app })
    versions.set(key, prv)
  }
  const external = b.expired
    ? 'EXPIRED'
    : b.processingState === 'PROCESSING'
      ? 'PROCESSING'
      : b.betaReviewState === 'WAITING_FOR_REVIEW'
        ? 'WAITING_FOR_BETA_REVIEW'
        : b.betaReviewState === 'IN_REVIEW'
          ? 'IN_BETA_REVIEW'
          : 'READY_FOR_BETA_SUBMISSION'
  const detail = store.create('buildBetaDetails', {
    autoNotifyEnabled: false,
    internalBuildState: b.expired ? 'EXPIRED' : 'IN_BETA_TESTING',
    externalBuildState: external
  })
  const build = store.create(
    'builds',
    {
      version: b.buildNumber,
      uploadedDate: new Date(b.uploadedMs).toISOString(),
      expirationDate: new Date(b.uploadedMs + 90 * DAY).toISOString(),
      expired: b.expired,
      processingState: b.processingState,
      minOsVersion: '16.0',
      buildAudienceType: 'APP_STORE_ELIGIBLE',
      usesNonExemptEncryption: false
    },
    { app, preReleaseVersion: prv, buildBetaDetail: detail }
  )
  store.update('buildBetaDetails', detail.id, { relationships: { build } })
  if (b.betaReviewState)
    store.create(
      'betaAppReviewSubmissions',
      {
        betaReviewState: b.betaReviewState,
        submittedDate: new Date(b.uploadedMs + DAY / 2).toISOString()
      },
      { build }
    )
  b.id = build.id
  return build
}

/**
 * Seeds `count` builds of com.example.hygiene (iOS and macOS, versions 1.0, 1.1, 1.10 and 2.0) and a
 * few of another app. With `plain`, every build is valid, unexpired and not in review (the
 * benchmark's history).
 */
export function seedHistory(
  store: Store,
  options: { count: number; now?: number; plain?: boolean; seed?: number }
): SeededHistory {
  const now = options.now ?? Date.now()
  const rnd = random(options.seed ?? 42)
  const app = store.create('apps', {
    name: 'Hygiene',
    bundleId: 'com.example.hygiene',
    sku: 'HYG',
    primaryLocale: 'en-US'
  })
  const otherApp = store.create('apps', {
    name: 'Other',
    bundleId: 'com.example.hygiene.other',
    sku: 'OTH',
    primaryLocale: 'en-US'
  })
  const versions = new Map<string, Resource>()
  const builds: SeededBuild[] = []
  const spanDays = 120
  for (let i = 0; i < options.count; i++) {
    // Oldest first; distinct upload times, each at half past a whole day.
    const age = spanDays - Math.floor((i * spanDays) / options.count)
    const uploadedMs = now - age * DAY + DAY / 2 - i * 1000
    const platform = rnd() < 0.7 ? 'IOS' : 'MAC_OS'
    const version = age > 90 ? '1.0' : age > 60 ? '1.1' : age > 30 ? '1.10' : '2.0'
    const b: SeededBuild = {
      id: '',
      platform,
      version,
      buildNumber: String(100 + i),
      uploadedMs,
      expired: false,
      processingState: 'VALID'
    }
    if (!options.plain) {
      const r = rnd()
      if (age > 90 || r < 0.1) b.expired = true
      else if (r < 0.14) b.processingState = 'PROCESSING'
      else if (r < 0.16) b.processingState = 'FAILED'
      else if (r < 0.2) b.betaReviewState = 'WAITING_FOR_REVIEW'
      else if (r < 0.24) b.betaReviewState = 'IN_REVIEW'
      else if (r < 0.28) b.betaReviewState = 'APPROVED'
      else if (r < 0.3) b.betaReviewState = 'REJECTED'
    }
    addBuild(store, app, versions, b)
    builds.push(b)
  }
  const otherVersions = new Map<string, Resource>()
  const otherBuilds: string[] = []
  for (let i = 0; i < 5; i++) {
    const b: SeededBuild = {
      id: '',
      platform: 'IOS',
      version: '1.0',
      buildNumber: String(i + 1),
      uploadedMs: now - (100 - i) * DAY,
      expired: false,
      processingState: 'VALID'
    }
    addBuild(store, otherApp, otherVersions, b)
    otherBuilds.push(b.id)
  }
  return { app, otherApp, builds, otherBuilds }
}
