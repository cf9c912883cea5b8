import { parseAppleDate } from '#shared/dates.js'
/**
 * Which builds to expire: a pure decision over the builds listed once from App Store Connect.
 *
 * Candidates are builds that are not expired, of the platform and marketing version asked for (the
 * listing filters on the server; this checks again). Of those, a build is kept, for the first of
 * these reasons that applies:
 * 1. `processing`: still processing, or of unknown state (never expired, whatever the inputs say);
 * 2. `listed`: named in keep-build-ids;
 * 3. `in-review`: waiting for or in beta review (unless include-in-review);
 * 4. `latest`: one of the keep-latest newest *valid* builds of its platform (processing, failed and
 *    invalid builds do not count towards N, so N usable builds stay installable);
 * 5. `recent`: uploaded less than older-than ago (or with no upload date, when older-than is set).
 * Every other candidate is expired. "Newest" is by upload date, then marketing version, then build
 * number (both compared numerically part by part), then ID.
 */
export interface BuildInfo {
  id: string
  /** CFBundleVersion (`builds.attributes.version`). */
  buildNumber: string
  /** Marketing version (`preReleaseVersions.attributes.version`). */
  version?: string
  /** Apple's platform name (`preReleaseVersions.attributes.platform`): IOS, MAC_OS, TV_OS, VISION_OS. */
  platform?: string
  /** ISO date-time of the upload. */
  uploadedDate?: string
  /** PROCESSING, FAILED, INVALID or VALID. */
  processingState?: string
  expired: boolean
  /** `betaAppReviewSubmissions.attributes.betaReviewState`, when the build was submitted. */
  betaReviewState?: string
  /** `buildBetaDetails.attributes.externalBuildState`. */
  externalBuildState?: string
}

export interface Criteria {
  platform?: string
  version?: string
  olderThanMs?: number
  keepLatest?: number
  keepBuildIds: readonly string[]
  includeInReview: boolean
  /** The time older-than counts back from (ms since the epoch). */
  now: number
}

export type KeepReason = 'processing' | 'listed' | 'in-review' | 'latest' | 'recent'

export const KEEP_REASONS: Record<KeepReason, string> = {
  processing: 'still processing',
  listed: 'listed in keep-build-ids',
  'in-review': 'waiting for or in beta review',
  latest: 'among the keep-latest newest of its platform',
  recent: 'uploaded within older-than'
}

export interface Plan {
  /** Builds to expire, newest first. */
  expire: BuildInfo[]
  /** Candidates kept, newest first, each with the first reason that applies. */
  keep: Array<{ build: BuildInfo; reason: KeepReason }>
  /** How many kept builds per reason. */
  keptBy: Record<KeepReason, number>
}

const REVIEW_STATES = new Set(['WAITING_FOR_REVIEW', 'IN_REVIEW'])
const EXTERNAL_REVIEW_STATES = new Set(['WAITING_FOR_BETA_REVIEW', 'IN_BETA_REVIEW'])

export function inReview(b: BuildInfo): boolean {
  return (
    (b.betaReviewState !== undefined && REVIEW_STATES.has(b.betaReviewState)) ||
    (b.externalBuildState !== undefined && EXTERNAL_REVIEW_STATES.has(b.externalBuildState))
  )
}

/** Compares dotted versions numerically part by part (`1.10` > `1.9`), text parts as text. */
export function compareVersions(a = '', b = ''): number {
  const pa = a.split('.')
  const pb = b.split('.')
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? ''
    const y = pb[i] ?? ''
    if (x === y) continue
    if (x === '') return -1
    if (y === '') return 1
    const nx = /^\d+$/.test(x) ? Number(x) : NaN
    const ny = /^\d+$/.test(y) ? Number(y) : NaN
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny
    return x < y ? -1 : 1
  }
  return 0
}

function uploadedAt(b: BuildInfo): number {
  return parseAppleDate(b.uploadedDate) ?? -Infinity
}

/** Newest first. */
export function newestFirst(a: BuildInfo, b: BuildInfo): number {
  return (
    uploadedAt(b) - uploadedAt(a) ||
    compareVersions(b.version, a.version) ||
    compareVersions(b.buildNumber, a.buildNumber) ||
    (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
  )
}

export function decide(builds: readonly BuildInfo[], criteria: Criteria): Plan {
  if (criteria.olderThanMs === undefined && criteria.keepLatest === undefined)
    throw new Error(
      'decide() needs older-than or keep-latest: refusing to choose builds without a criterion.'
    )
  const candidates = builds
    .filter(
      (b) =>
        !b.expired &&
        (criteria.platform === undefined || b.platform === criteria.platform) &&
        (criteria.version === undefined || b.version === criteria.version)
    )
    .sort(newestFirst)

  const latest = new Set<string>()
  if (criteria.keepLatest !== undefined) {
    const perPlatform = new Map<string, number>()
    for (const b of candidates) {
      if (b.processingState !== 'VALID') continue
      const key = b.platform ?? ''
      const n = perPlatform.get(key) ?? 0
      if (n >= criteria.keepLatest) continue
      perPlatform.set(key, n + 1)
      latest.add(b.id)
    }
  }
  const listed = new Set(criteria.keepBuildIds)
  const cutoff =
    criteria.olderThanMs === undefined ? undefined : criteria.now - criteria.olderThanMs

  const reasonFor = (b: BuildInfo): KeepReason | undefined => {
    if (b.processingState === 'PROCESSING' || b.processingState === undefined) return 'processing'
    if (listed.has(b.id)) return 'listed'
    if (!criteria.includeInReview && inReview(b)) return 'in-review'
    if (latest.has(b.id)) return 'latest'
    if (cutoff !== undefined && !(uploadedAt(b) > -Infinity && uploadedAt(b) < cutoff))
      return 'recent'
    return undefined
  }

  const plan: Plan = {
    expire: [],
    keep: [],
    keptBy: { processing: 0, listed: 0, 'in-review': 0, latest: 0, recent: 0 }
  }
  for (const b of candidates) {
    const reason = reasonFor(b)
    if (reason === undefined) plan.expire.push(b)
    else {
      plan.keep.push({ build: b, reason })
      plan.keptBy[reason]++
    }
  }
  return plan
}
