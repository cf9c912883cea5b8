/**
 * The error taxonomy every entry point shares. The run wrapper (run.ts) turns each kind into exactly
 * one `::error::` line:
 * - ConfigurationError: the user's inputs or account set-up are wrong; the message says what to fix.
 * - ApiError: App Store Connect answered with an error document (see asc/errors.ts).
 * - OperationFailedError, TimeoutError: Apple finished in a failed state, or not in time.
 * - EnvironmentError: the runner's surroundings failed us (network, a slow or absent answer, a
 *   redirect, Apple's upload host, the file system); not a bug, and the advice says what to check.
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

export type EnvironmentKind = 'network' | 'timeout' | 'redirect' | 'upload-host' | 'file'

const ADVICE: Record<EnvironmentKind, string> = {
  network:
    "Check the runner's network (proxy, firewall, DNS) and api-base-url, then run the step again",
  timeout:
    'App Store Connect or the network did not answer in time; run the step again (it picks up the current state)',
  redirect: 'Check api-base-url: it must name the API host itself, which gets the token',
  'upload-host':
    "Apple's upload host did not take the file; check the runner's network and run the step again (it starts a new upload)",
  file: 'Check the path, its permissions and the free disk space on the runner'
}

/**
 * A failure of the runner's surroundings rather than of our code or the user's inputs: the network
 * after retries, a transport timeout, a refused redirect, Apple's upload host, the file system.
 * The message ends with the advice for its kind (or the one given; `false` for none).
 */
export class EnvironmentError extends Error {
  readonly kind: EnvironmentKind

  constructor(
    kind: EnvironmentKind,
    message: string,
    options: { advice?: string | false; cause?: unknown } = {}
  ) {
    const advice = options.advice === false ? undefined : (options.advice ?? ADVICE[kind])
    super(sentences(message, advice), { cause: options.cause })
    this.name = 'EnvironmentError'
    this.kind = kind
  }
}

/**
 * Joins sentences with one space, each ending in exactly one full stop (a sentence that already
 * ends in `.`, `!`, `?` or `…` keeps its own), so no message ever shows `..`.
 */
export function sentences(...parts: (string | undefined | false | null)[]): string {
  return parts
    .map((p) => (p || '').trim())
    .filter((p) => p !== '')
    .map((p) => (/[.!?…]$/.test(p) ? p : `${p}.`))
    .join(' ')
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
