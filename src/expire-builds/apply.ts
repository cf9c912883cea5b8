import { mapLimit } from '#shared/concurrency.js'
import type { BuildsApi, ExpireOutcome } from './builds-api.js'
import type { BuildInfo } from './plan.js'

/** Changing requests in flight at once; the client's rate limiter slows them when the quota runs low. */
export const CONCURRENCY = 8

export interface ExpireResult {
  /** Builds now expired (by this run, or found already expired), in plan order. */
  done: Array<{ build: BuildInfo; outcome: ExpireOutcome }>
  /** The first failure, which stopped new work from starting; undefined when all went through. */
  failure?: { build: BuildInfo; error: unknown }
}

/**
 * Expires `builds` with at most `concurrency` requests in flight. Expiring cannot be undone, so the
 * first failure (after the client's own retries of 429 and 5xx) stops new work from starting; what
 * was done before is still reported.
 */
export async function expireAll(
  api: BuildsApi,
  builds: readonly BuildInfo[],
  options: {
    concurrency?: number
    onDone?: (build: BuildInfo, outcome: ExpireOutcome) => void
  } = {}
): Promise<ExpireResult> {
  const outcomes = new Map<string, ExpireOutcome>()
  let failure: ExpireResult['failure']
  try {
    await mapLimit(builds, options.concurrency ?? CONCURRENCY, async (build) => {
      try {
        const outcome = await api.expire(build.id)
        outcomes.set(build.id, outcome)
        options.onDone?.(build, outcome)
      } catch (error) {
        failure ??= { build, error }
        throw error
      }
    })
  } catch {
    // recorded in `failure`
  }
  const done = builds.flatMap((build) => {
    const outcome = outcomes.get(build.id)
    return outcome ? [{ build, outcome }] : []
  })
  return { done, failure }
}
