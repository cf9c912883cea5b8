// Near matches for a mistyped operation, for error messages.
import { levenshtein } from '../../text.js'
import type { OperationIndex } from './index-types.js'
import { compile, splitPath } from './paths.js'

const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']

/** Splits `"GET /v1/apps"` (method optional) into method and path. */
export function parseOperationText(text: string): { method?: string; path: string } {
  const t = text.trim()
  const m = /^([A-Za-z]+)\s+(\S.*)$/.exec(t)
  if (m && METHODS.includes(m[1].toUpperCase()))
    return { method: m[1].toUpperCase(), path: m[2].trim() }
  return { path: t }
}

function segmentCost(user: string, tmpl: string | null): number {
  if (tmpl === null) return /^\{.*\}$/.test(user) || !/^[a-z]+[A-Za-z]*$/.test(user) ? 0 : 0.5
  if (user === tmpl) return 0
  const d = levenshtein(user.toLowerCase(), tmpl.toLowerCase())
  const caseOnly = d === 0 ? 0.05 : 0
  return Math.min(1, d / Math.max(user.length, tmpl.length)) + caseOnly
}

function pathDistance(user: string[], tmpl: (string | null)[]): number {
  const n = user.length
  const m = tmpl.length
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0))
  for (let i = 0; i <= n; i++) dp[i][0] = i
  for (let j = 0; j <= m; j++) dp[0][j] = j
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      dp[i][j] = Math.min(
        dp[i - 1][j] + 1,
        dp[i][j - 1] + 1,
        dp[i - 1][j - 1] + segmentCost(user[i - 1], tmpl[j - 1])
      )
    }
  }
  return dp[n][m]
}

/**
 * Near matches for a mistyped `"METHOD /path"` (or just a path), best first, as `"GET /v1/apps"`
 * strings, for error messages.
 */
export function suggestOperations(index: OperationIndex, text: string, n = 5): string[] {
  const { method, path } = parseOperationText(text)
  const user = splitPath(path)
  const scored: { text: string; score: number; raw: number }[] = []
  for (const list of compile(index).values()) {
    for (const t of list) {
      const d = pathDistance(user, t.segs)
      for (const m of Object.keys(t.ops)) {
        const methodPenalty = method && method !== m ? 0.6 : 0
        const text2 = `${m} ${t.template}`
        scored.push({
          text: text2,
          score: d + methodPenalty,
          raw: levenshtein(`${method ?? m} ${path}`.toLowerCase(), text2.toLowerCase())
        })
      }
    }
  }
  scored.sort((a, b) => a.score - b.score || a.raw - b.raw || a.text.localeCompare(b.text))
  return scored.slice(0, n).map((s) => s.text)
}
