/**
 * What release-to-app-store does with one version: a pure decision over its state and its phased
 * release. A version pending developer release is released (one release request); a version already
 * released is left as it is. `phased-release` moves the phased release: pause (ACTIVE -> PAUSED),
 * resume (PAUSED -> ACTIVE), complete (ACTIVE or PAUSED -> COMPLETE, everyone gets the update).
 */
import { ConfigurationError } from '#shared/errors.js'
import type { StoreVersion } from '#shared/asc/app-store-versions.js'
import type { PhasedAction } from './settings.js'

export const RELEASED = [
  'READY_FOR_DISTRIBUTION',
  'PROCESSING_FOR_DISTRIBUTION',
  'REPLACED_WITH_NEW_VERSION'
]

export interface ReleasePlan {
  /** Send a release request. */
  release: boolean
  /** The phased release state to set, and the phased release. */
  phased?: { id: string; from: string; to: string }
  /** What is already as asked (for the log and the summary). */
  already: string[]
}

const TARGET: Record<PhasedAction, { to: string; from: string[] }> = {
  pause: { to: 'PAUSED', from: ['ACTIVE'] },
  resume: { to: 'ACTIVE', from: ['PAUSED'] },
  complete: { to: 'COMPLETE', from: ['ACTIVE', 'PAUSED'] }
}

export function decideRelease(
  version: StoreVersion | undefined,
  want: { version: string; phasedRelease?: PhasedAction }
): ReleasePlan {
  if (!version)
    throw new ConfigurationError(
      `there is no App Store version ${want.version} for this app and platform.`,
      'version'
    )
  const already: string[] = []
  const pending = version.state === 'PENDING_DEVELOPER_RELEASE'
  if (!pending && !RELEASED.includes(version.state))
    throw new ConfigurationError(
      `${want.version} is ${version.state}: only a version that App Review approved and that waits for you (PENDING_DEVELOPER_RELEASE) can be released.`,
      'version'
    )
  if (!pending) already.push(`${want.version} is already released (${version.state})`)
  if (!want.phasedRelease) return { release: pending, already }
  const phased = version.phasedRelease
  if (!phased)
    throw new ConfigurationError(
      `${want.version} has no phased release to ${want.phasedRelease}; turn phased release on (submit-to-app-store phased-release: true) before it is released.`,
      'phased-release'
    )
  const target = TARGET[want.phasedRelease]
  // Released now, the phased release becomes ACTIVE: judge the move from there.
  const from = pending && phased.state === 'INACTIVE' ? 'ACTIVE' : phased.state
  if (from === target.to || (from === 'COMPLETE' && want.phasedRelease !== 'complete')) {
    if (from === target.to) already.push(`the phased release is already ${from}`)
    else
      throw new ConfigurationError(
        `the phased release is COMPLETE; it cannot ${want.phasedRelease}.`,
        'phased-release'
      )
    return { release: pending, already }
  }
  if (!target.from.includes(from))
    throw new ConfigurationError(
      `the phased release is ${from}; ${want.phasedRelease} needs it ${target.from.join(' or ')}.`,
      'phased-release'
    )
  return { release: pending, phased: { id: phased.id, from, to: target.to }, already }
}
