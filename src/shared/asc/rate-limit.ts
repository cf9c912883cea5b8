/** One quota bucket from `X-Rate-Limit`, e.g. `user-hour-lim:3600;user-hour-rem:120;`. */
export interface RateBucket {
  name: string
  limit: number
  remaining: number
  windowMs: number
}

const WINDOWS: Record<string, number> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000
}

/**
 * Parses Apple's `X-Rate-Limit` header. Several policies may be separated by `,`; each is
 * `<name>-lim:<n>;<name>-rem:<n>;`.
 */
export function parseRateLimit(header: string | null | undefined): RateBucket[] {
  if (!header) return []
  const values = new Map<string, { lim?: number; rem?: number }>()
  for (const part of header.split(/[;,]/)) {
    const m = /^\s*([a-z0-9-]+)-(lim|rem)\s*:\s*(\d+)\s*$/i.exec(part)
    if (!m) continue
    const entry = values.get(m[1]) ?? {}
    entry[m[2].toLowerCase() as 'lim' | 'rem'] = Number(m[3])
    values.set(m[1], entry)
  }
  const buckets: RateBucket[] = []
  for (const [name, { lim, rem }] of values) {
    if (lim === undefined || rem === undefined) continue
    const unit = Object.keys(WINDOWS).find((u) => name.includes(u)) ?? 'hour'
    buckets.push({ name, limit: lim, remaining: rem, windowMs: WINDOWS[unit] })
  }
  return buckets
}

/**
 * Paces requests when a quota runs low: while more than `reserve` of a bucket remains, requests go at
 * full speed; below it, requests are spaced so the rest of the bucket lasts the window.
 */
export class RateLimiter {
  private buckets: RateBucket[] = []
  private next = 0

  constructor(
    private readonly reserve = 0.1,
    private readonly maxDelayMs = 10_000
  ) {}

  observe(header: string | null | undefined): void {
    const parsed = parseRateLimit(header)
    if (parsed.length) this.buckets = parsed
  }

  /** The lowest remaining share of any bucket, for logs. */
  get lowest(): RateBucket | undefined {
    return [...this.buckets].sort((a, b) => a.remaining / a.limit - b.remaining / b.limit)[0]
  }

  /** Milliseconds to wait before the next request. */
  delay(now = Date.now()): number {
    let spacing = 0
    for (const b of this.buckets) {
      if (b.limit <= 0 || b.remaining / b.limit > this.reserve) continue
      spacing = Math.max(spacing, Math.min(this.maxDelayMs, b.windowMs / Math.max(b.remaining, 1)))
    }
    if (!spacing) return 0
    const start = Math.max(now, this.next)
    this.next = start + spacing
    return start - now
  }
}
