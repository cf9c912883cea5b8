/**
 * The error taxonomy every entry point shares. The run wrapper (run.ts) turns each kind into exactly
 * one `::error::` line:
 * - ConfigurationError: the user's inputs or account set-up are wrong; the message says what to fix.
 * - ApiError: App Store Connect answered with an error document (see asc/errors.ts).
 * - OperationFailedError, TimeoutError: Apple finished in a failed state, or not in time.
 * - anything else: an internal error (a bug in this project); reported with a stack in debug logs.
 */
export class ConfigurationError extends Error {
  /** The input at fault (e.g. `private-key`), when there is one. */
  readonly input?: string

  constructor(message: string, input?: string) {
    super(input && !message.includes(`'${input}'`) ? `Input '${input}': ${message}` : message)
    this.name = 'ConfigurationError'
    this.input = input
  }
}

/**
 * App Store Connect finished something in a failed state that no input can fix by itself (a build
 * that processed as FAILED or INVALID): the message carries Apple's reasons and the next step.
 */
export class OperationFailedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OperationFailedError'
  }
}

/** An operation that did not finish in time (processing waits, upload states). */
export class TimeoutError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TimeoutError'
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'string') return error
  try {
    return JSON.stringify(error)
  } catch {
    return String(error)
  }
}
