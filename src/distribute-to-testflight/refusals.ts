import { ApiError } from '#shared/asc/errors.js'

/** Which configuration step an error belongs to. */
export type ApplyStep = 'localization' | 'beta-review' | 'notification' | 'groups'

/**
 * App Store Connect refused a create because the thing exists already (HTTP 409): a localization
 * made meanwhile, a build already submitted, testers already notified. `cause` is Apple's error.
 */
export class ConflictError extends Error {
  readonly code = 'conflict'
  constructor(
    readonly step: ApplyStep,
    /** Apple's first error detail, when it gave one. */
    readonly detail: string | undefined,
    override readonly cause: unknown
  ) {
    super(`${step}: ${detail ?? 'conflict'}`)
    this.name = 'ConflictError'
  }
}

/**
 * App Store Connect refused to give the build to a group (HTTP 409 or 422), e.g. an internal group
 * that has every build: "Builds cannot be assigned to this internal group."
 */
export class RefusedError extends Error {
  readonly code = 'refused'
  constructor(
    readonly detail: string | undefined,
    override readonly cause: unknown
  ) {
    super(`groups: ${detail ?? 'refused'}`)
    this.name = 'RefusedError'
  }
}

/** Apple's words for "this internal group has every build already". */
export const ALL_BUILDS_REFUSAL = /internal group/i

/** Runs `request`, turning Apple's 409 into a ConflictError of `step`. */
export async function conflictAs<T>(step: ApplyStep, request: () => Promise<T>): Promise<T> {
  try {
    return await request()
  } catch (e) {
    if (e instanceof ApiError && e.status === 409)
      throw new ConflictError(step, e.errors[0]?.detail, e)
    throw e
  }
}
