import { mapLimit } from '#shared/concurrency.js'
import { ApiError } from '#shared/asc/errors.js'
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
 * was done before is still reported. Builds Apple refused with 409 (a raced expiry: another run, or
 * a retry after a lost answer) are confirmed together with one listing at the end: those that read
 * as expired are done, the first other one is the failure.
 */
export async function expireAll(
  api: BuildsApi,
  builds: readonly BuildInfo[],
  options: {
    appId: string
    concurrency?: number
    onDone?: (build: BuildInfo, outcome: ExpireOutcome) => void
  }
): Promise<ExpireResult> {
  const outcomes = new Map<string, ExpireOutcome>()
  const conflicts: Array<{ build: BuildInfo; error: ApiError }> = []
  let failure: ExpireResult['failure']
  const done = (build: BuildInfo, outcome: ExpireOutcome) => {
    outcomes.set(build.id, outcome)
    options.onDone?.(build, outcome)
  }
  try {
    await mapLimit(builds, options.concurrency ?? CONCURRENCY, async (build) => {
      try {
        done(build, await api.expire(build.id))
      } catch (error) {
        if (error instanceof ApiError && error.status === 409) {
          conflicts.push({ build, error })
          return
        }
        failure ??= { build, error }
        throw error
      }
    })
  } catch {
    // recorded in `failure`
  }
  if (conflicts.length) {
    try {
      const now = new Set(
        await api.expiredAmong(
          options.appId,
          conflicts.map((c) => c.build.id)
        )
      )
      for (const c of conflicts)
        if (now.has(c.build.id)) done(c.build, 'already-expired')
        else failure ??= c
    } catch (error) {
      failure ??= { build: conflicts[0].build, error }
    }
  }
  const list = builds.flatMap((build) => {
    const outcome = outcomes.get(build.id)
    return outcome ? [{ build, outcome }] : []
  })
  return { done: list, failure }
}
