import { levenshtein } from '#shared/text.js'
import { byText } from './format.js'

const fold = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '')

/** The names closest to `name`, best first: same letters ignoring case, then prefixes, then edit distance. */
export function nearestNames(name: string, candidates: readonly string[], n = 5): string[] {
  const want = fold(name)
  return candidates
    .map((c) => {
      const f = fold(c)
      const prefix = f.startsWith(want) || want.startsWith(f) ? 0 : 1
      const contains = f.includes(want) ? 0 : 1
      return { c, score: [f === want ? 0 : 1, prefix + contains, levenshtein(want, f)] }
    })
    .sort((a, b) => a.score[0] - b.score[0] || a.score[2] - b.score[2] + (a.score[1] - b.score[1]) * 3 || byText(a.c, b.c))
    .slice(0, n)
    .map((x) => x.c)
}

/** The one name that matches ignoring case and punctuation (`betagroups` finds `BetaGroups`). */
export function findName(name: string, candidates: readonly string[]): string | undefined {
  if (candidates.includes(name)) return name
  const want = fold(name)
  return candidates.find((c) => fold(c) === want)
}
