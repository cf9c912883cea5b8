import * as core from '@actions/core'
import { ConfigurationError, OperationFailedError, TimeoutError, errorMessage } from './errors.js'
import { ApiError } from './asc/errors.js'
import { redact } from './redact.js'

/**
 * The one outer wrapper every entry point runs in. Whatever is thrown (an Error, a string, anything),
 * the step fails with exactly one `::error::` line that says what was wrong and what to do, and
 * nothing secret is printed.
 */
export async function runAction(action: string, main: () => Promise<void>): Promise<void> {
  try {
    await main()
  } catch (error) {
    core.setFailed(redact(failureMessage(action, error)))
    if (error instanceof Error && error.stack) core.debug(redact(error.stack))
  }
}

export function failureMessage(action: string, error: unknown): string {
  if (error instanceof ConfigurationError || error instanceof ApiError) return error.message
  if (error instanceof TimeoutError || error instanceof OperationFailedError) return error.message
  return (
    `${action} failed unexpectedly: ${errorMessage(error)}. This is a bug in ` +
    `app-store-connect-actions; please report it with the step's debug log (ACTIONS_STEP_DEBUG).`
  )
}
