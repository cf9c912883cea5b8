import * as core from '@actions/core'
import {
  ConfigurationError,
  EnvironmentError,
  OperationFailedError,
  TimeoutError,
  errorMessage,
  sentences
} from './errors.js'
import { ApiError } from './asc/errors.js'
import { redact } from './redact.js'
import { runReport } from './report.js'
import { Summary } from './summary.js'

/**
 * The one outer wrapper every entry point runs in. Whatever is thrown (an Error, a string, anything),
 * the step fails with exactly one `::error::` line that says what was wrong and what to do, and
 * nothing secret is printed.
 */
export async function runAction(
  action: string,
  main: () => Promise<void>,
  title = titleOf(action)
): Promise<void> {
  try {
    await main()
  } catch (error) {
    const message = redact(failureMessage(action, error))
    core.setFailed(message)
    if (error instanceof Error && error.stack) core.debug(redact(error.stack))
    if (!runReport.summaryWritten) await writeFailureSummary(title, message)
  }
}

/** `expire-builds` -> `Expire builds`: the summary heading when the entry names none. */
export function titleOf(action: string): string {
  const words = action.replace(/-/g, ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/**
 * The job summary of a failed run whose entry wrote none: the heading, `❌` and the same message as
 * the `::error::`, then what was already done, skipped or warned about (see report.ts).
 */
export function failureSummary(title: string, message: string, report = runReport): Summary {
  const s = new Summary().heading(title).status('fail', message)
  if (report.done.length) s.heading('Already done', 3).list(report.done)
  if (report.skipped.length) s.heading('Not done', 3).list(report.skipped)
  if (report.warnings.length) s.heading('Warnings', 3).list(report.warnings)
  return s
}

async function writeFailureSummary(title: string, message: string): Promise<void> {
  try {
    await failureSummary(title, message).write()
  } catch (error) {
    // The ::error:: is out already; a summary that cannot be written must not hide it.
    core.debug(`The job summary could not be written: ${errorMessage(error)}`)
  }
}

export function failureMessage(action: string, error: unknown): string {
  const known = classifyError(error)
  if (
    known instanceof ConfigurationError ||
    known instanceof ApiError ||
    known instanceof EnvironmentError ||
    known instanceof TimeoutError ||
    known instanceof OperationFailedError
  )
    return known.message
  return sentences(
    `${action} failed unexpectedly: ${errorMessage(error)}`,
    "This is a bug in app-store-connect-actions; please report it with the step's debug log (ACTIONS_STEP_DEBUG)"
  )
}

/** What the file-system error codes mean, in words. */
const FILE_CODES: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EEXIST: 'it already exists',
  ENOTEMPTY: 'the directory is not empty',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EBUSY: 'it is busy',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'an input/output error'
}

/** Network error codes from Node's sockets and resolver. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT'
])

const NETWORK_SYSCALLS = new Set(['connect', 'getaddrinfo', 'read', 'write', 'socket'])

/**
 * Classifies at the outer boundary what reached it unclassified: a Node system error from the
 * file system (by its `code`, with a `path` or a file syscall) becomes a `file` EnvironmentError,
 * one from a socket or the resolver a `network` one. Anything else is returned as it is.
 */
export function classifyError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof EnvironmentError) return error
  const e = error as NodeJS.ErrnoException
  const code = typeof e.code === 'string' ? e.code : undefined
  if (!code) return error
  if (code in FILE_CODES && (typeof e.path === 'string' || isFileSyscall(e.syscall))) {
    const what = e.syscall ? `${e.syscall} ` : ''
    const where = typeof e.path === 'string' ? `'${e.path}'` : 'a file'
    return new EnvironmentError(
      'file',
      `Could not ${what}${where}: ${FILE_CODES[code]} (${code})`,
      {
        cause: error
      }
    )
  }
  if (NETWORK_CODES.has(code) && (e.syscall === undefined || NETWORK_SYSCALLS.has(e.syscall)))
    return new EnvironmentError('network', `A network request failed: ${e.message}`, {
      cause: error
    })
  return error
}

function isFileSyscall(syscall: string | undefined): boolean {
  return (
    syscall !== undefined &&
    /^(open|close|read|write|stat|lstat|fstat|mkdir|mkdtemp|rmdir|rm|unlink|rename|copyfile|cp|scandir|readdir|opendir|access|realpath|readlink|symlink|link|chmod|chown|utime|futime|truncate|ftruncate|fsync)$/.test(
      syscall
    )
  )
}
