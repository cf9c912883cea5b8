// Small text helpers for messages: edit distance, near matches, brief lists.

/** Edit distance between two strings (insertions, deletions, substitutions). */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0
  if (!a.length) return b.length
  if (!b.length) return a.length
  let prev = new Array<number>(b.length + 1)
  let cur = new Array<number>(b.length + 1)
  for (let j = 0; j <= b.length; j++) prev[j] = j
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    }
    ;[prev, cur] = [cur, prev]
  }
  return prev[b.length]
}

/** The `n` candidates nearest to `wanted` (case-insensitively), nearest first. */
export function nearest(wanted: string, candidates: readonly string[], n = 3): string[] {
  return [...new Set(candidates)]
    .map((c) => [c, levenshtein(wanted.toLowerCase(), c.toLowerCase())] as const)
    .sort((a, b) => a[1] - b[1])
    .slice(0, n)
    .map(([c]) => c)
}

/** The one candidate close enough to `name` to be a likely typo of it, if any. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestD = Infinity
  for (const c of candidates) {
    const d = levenshtein(name.toLowerCase(), c.toLowerCase())
    if (d < bestD) {
      bestD = d
      best = c
    }
  }
  if (best === undefined) return undefined
  return bestD <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined
}

/** Lists values briefly: the first `max` then "…". */
export function briefList(values: readonly string[], max = 10): string {
  if (values.length <= max) return values.join(', ')
  return `${values.slice(0, max).join(', ')}, … (${values.length} in all)`
}
