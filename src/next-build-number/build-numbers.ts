import { appleTime } from '#shared/dates.js'
/**
 * The next free build number: a pure decision over the build numbers (CFBundleVersion) already
 * held by the app's builds and build uploads.
 *
 * A build number is one or more non-negative integers separated by dots (`42`, `1.2.10`). They
 * compare numerically part by part, a missing part counting as 0: `1.2.10` > `1.2.9`, `100` > `99`,
 * `42` = `42.0`. Anything else (`1.2-beta`, `v3`, `1..2`) cannot be compared and is skipped. The next
 * number is the highest one with its last part plus one (`1.2.9` -> `1.2.10`, `099` -> `100`, `007`
 * -> `008`: the part keeps its width when it can).
 */

/** Where a build number is held: a build (of any state, expired ones too) or a build upload. */
export interface HeldNumber {
  kind: 'build' | 'upload'
  /** CFBundleVersion as App Store Connect lists it. */
  buildNumber: string
  /** Marketing version (CFBundleShortVersionString), when known. */
  version?: string
  /** ISO date-time of the upload (or of its creation, for an upload still in flight). */
  date?: string
  /** The build's or upload's ID. */
  id: string
  /** PROCESSING, VALID, …; an upload's AWAITING_UPLOAD, PROCESSING or COMPLETE. */
  state?: string
  expired?: boolean
}

export interface Decision {
  /** The highest number held, and where; undefined when none is. */
  latest?: HeldNumber
  /** The number to build with next: `latest` plus one, or the initial number. */
  next: string
  /** Numbers that are not dot-separated integers, distinct, in the order first seen. */
  skipped: string[]
}

const BUILD_NUMBER = /^\d+(\.\d+)*$/

/** The parts of a build number, or undefined when it is not dot-separated integers. */
export function parseBuildNumber(text: string): bigint[] | undefined {
  const value = text.trim()
  if (!BUILD_NUMBER.test(value)) return undefined
  return value.split('.').map((p) => BigInt(p))
}

export function isBuildNumber(text: string): boolean {
  return parseBuildNumber(text) !== undefined
}

/** Negative when a < b, 0 when equal (`42` = `42.0`), positive when a > b. */
export function compareBuildNumbers(a: readonly bigint[], b: readonly bigint[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0n
    const y = b[i] ?? 0n
    if (x !== y) return x < y ? -1 : 1
  }
  return 0
}

/** The number with its last part plus one, other parts as written (`1.2.9` -> `1.2.10`). */
export function incrementBuildNumber(text: string): string {
  const value = text.trim()
  if (!BUILD_NUMBER.test(value)) throw new Error(`'${text}' is not a build number`)
  const parts = value.split('.')
  const last = parts[parts.length - 1]
  parts[parts.length - 1] = (BigInt(last) + 1n).toString().padStart(last.length, '0')
  return parts.join('.')
}

function time(date: string | undefined): number {
  const t = date ? appleTime(date) : NaN
  return Number.isNaN(t) ? -Infinity : t
}

/**
 * Of two equal numbers (`42` and `42.0`), the one reported: a build before an upload (an upload
 * that became a build is the same number), then the newer, then the longer spelling, then by ID.
 */
function preferred(a: HeldNumber, b: HeldNumber): HeldNumber {
  if (a.kind !== b.kind) return a.kind === 'build' ? a : b
  if (time(a.date) !== time(b.date)) return time(a.date) > time(b.date) ? a : b
  if (a.buildNumber.length !== b.buildNumber.length)
    return a.buildNumber.length > b.buildNumber.length ? a : b
  return a.id <= b.id ? a : b
}

/** The highest number held and the next one; `initial` (a valid build number) when none is. */
export function decide(held: Iterable<HeldNumber>, initial: string): Decision {
  let latest: { held: HeldNumber; parts: bigint[] } | undefined
  const skipped = new Set<string>()
  for (const h of held) {
    const parts = parseBuildNumber(h.buildNumber)
    if (!parts) {
      skipped.add(h.buildNumber)
      continue
    }
    const order = latest ? compareBuildNumbers(parts, latest.parts) : 1
    if (order > 0) latest = { held: h, parts }
    else if (order === 0 && latest) {
      const winner = preferred(latest.held, h)
      if (winner !== latest.held) latest = { held: winner, parts }
    }
  }
  if (!latest) return { next: initial.trim(), skipped: [...skipped] }
  return {
    latest: latest.held,
    next: incrementBuildNumber(latest.held.buildNumber),
    skipped: [...skipped]
  }
}
