const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/**
 * Parses `500ms`, `90s`, `30m`, `2h`, `30d` or a plain number of seconds (decimals allowed) into
 * milliseconds. Returns undefined for anything else (the caller names the input in its error).
 */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|d)?\s*$/i.exec(text)
  if (!m) return undefined
  const value = Number(m[1]) * UNITS[(m[2] ?? 's').toLowerCase()]
  return Number.isFinite(value) ? Math.round(value) : undefined
}

/** `1h 5m`, `90s`, `250ms`: a human rendering of a duration in milliseconds. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  const parts: string[] = []
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  const rest = s % 60
  if (d) parts.push(`${d}d`)
  if (h) parts.push(`${h}h`)
  if (m) parts.push(`${m}m`)
  if (rest && !d) parts.push(`${rest}s`)
  return parts.join(' ')
}
