import { nearest } from '#shared/asc/apps.js'
import { ConfigurationError } from '#shared/errors.js'

export interface BetaGroupInfo {
  id: string
  name: string
  isInternal: boolean
  publicLinkEnabled?: boolean
  publicLinkLimitEnabled?: boolean
  publicLinkLimit?: number
  publicLink?: string
  /** An internal group that gets every build by itself (`hasAccessToAllBuilds`): never linked. */
  allBuilds?: boolean
  /** When it was created (ISO 8601), to tell two groups of one name apart. */
  createdDate?: string
  /** Whether it already has this build (when known). */
  hasBuild?: boolean
}

/** One requested group, by exact ID, exact name, or a unique case-insensitive name. */
export function matchGroup(wanted: string, groups: BetaGroupInfo[]): BetaGroupInfo | undefined {
  const byId = groups.find((g) => g.id === wanted)
  if (byId) return byId
  const exact = groups.filter((g) => g.name === wanted)
  if (exact.length === 1) return exact[0]
  if (exact.length > 1)
    throw new ConfigurationError(
      `'${wanted}' names ${exact.length} groups of this app; use the group's ID instead (${exact.map((g) => g.id).join(', ')}).`,
      'groups'
    )
  const loose = groups.filter((g) => g.name.toLowerCase() === wanted.toLowerCase())
  if (loose.length === 1) return loose[0]
  if (loose.length > 1)
    throw new ConfigurationError(
      `'${wanted}' matches ${loose.map((g) => `'${g.name}'`).join(' and ')} apart from case; write the name exactly.`,
      'groups'
    )
  return undefined
}

/**
 * Every requested group, resolved before anything is changed. Unknown names are one error naming
 * each of them and listing the app's groups.
 */
export function resolveGroups(wanted: string[], groups: BetaGroupInfo[]): BetaGroupInfo[] {
  const found: BetaGroupInfo[] = []
  const missing: string[] = []
  for (const w of wanted) {
    const g = matchGroup(w, groups)
    if (g) {
      if (!found.some((f) => f.id === g.id)) found.push(g)
    } else missing.push(w)
  }
  if (missing.length) {
    const names = groups.map((g) => g.name)
    const list = names.length ? names.map((n) => `'${n}'`).join(', ') : 'none'
    const hints = missing
      .map((m) =>
        names.length ? `'${m}' (nearest: ${nearest(m, names, 2).join(', ')})` : `'${m}'`
      )
      .join(', ')
    throw new ConfigurationError(
      `no beta group ${hints} in this app. Its groups are: ${list}. Nothing was changed; fix the names (or create the group in App Store Connect).`,
      'groups'
    )
  }
  return found
}
