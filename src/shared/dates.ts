/**
 * Apple's dates, read and shown one way everywhere. App Store Connect answers carry
 * `2020-11-28T13:56:50.220+0000` (no colon in the offset, seen in provisioning answers) as well as
 * `2026-11-23T18:17:00-07:00` and `…Z`: every comparison (expiry, age, newest) reads them to the same
 * instant through `parseAppleDate`.
 */
const NO_COLON_OFFSET = /([+-])(\d{2})(\d{2})$/

/** Epoch milliseconds of an Apple date, or undefined when it is missing or not a date. */
export function parseAppleDate(value: unknown): number | undefined {
  if (typeof value !== 'string' || !value.trim()) return undefined
  const text = value.trim().replace(NO_COLON_OFFSET, '$1$2:$3')
  const ms = Date.parse(text)
  return Number.isFinite(ms) ? ms : undefined
}

/** `2026-11-23 18:17 UTC`: the one way dates are shown in logs and summaries. */
export function formatDate(value: number | Date | string | undefined): string {
  const ms =
    typeof value === 'string'
      ? parseAppleDate(value)
      : value instanceof Date
        ? value.getTime()
        : value
  if (ms === undefined || !Number.isFinite(ms)) return '—'
  const iso = new Date(ms).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}

/** Like `Date.parse`, NaN for what is not a date, but reading Apple's `+0000` offsets too. */
export function appleTime(value: unknown): number {
  return parseAppleDate(value) ?? NaN
}
