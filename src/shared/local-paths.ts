import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { dirname, resolve, sep } from 'node:path'
import { ConfigurationError, OperationFailedError } from './errors.js'
import { echo } from './inputs.js'

/**
 * Local outputs are checked before any request that changes something, so a bad path fails the
 * step while nothing has been done yet (a rerun would otherwise duplicate the change).
 */

function nearestExisting(path: string): string {
  let p = resolve(path)
  while (!existsSync(p)) {
    const up = dirname(p)
    if (up === p) break
    p = up
  }
  return p
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** A file we will write: not a directory; its folder exists or can be made, and is writable. */
export function checkOutputFile(path: string, input: string): void {
  const full = resolve(path)
  if (existsSync(full)) {
    const st = statSync(full)
    if (st.isDirectory())
      throw new ConfigurationError(`'${echo(path)}' is a directory; name a file to write.`, input)
    if (!writable(dirname(full)))
      throw new ConfigurationError(
        `'${echo(path)}' cannot be written (no write permission).`,
        input
      )
    return
  }
  const base = nearestExisting(dirname(full))
  if (!statSync(base).isDirectory())
    throw new ConfigurationError(
      `'${echo(base)}' is a file, so '${echo(path)}' cannot be created in it.`,
      input
    )
  if (!writable(base))
    throw new ConfigurationError(
      `'${echo(path)}' cannot be created: '${echo(base)}' is not writable.`,
      input
    )
}

/** A folder we will write into: not a file; it exists or can be made, and is writable. */
export function checkOutputDir(path: string, input: string): void {
  const full = resolve(path)
  const base = nearestExisting(full)
  if (!statSync(base).isDirectory())
    throw new ConfigurationError(
      base === full
        ? `'${echo(path)}' is a file; name a folder (it is created when missing).`
        : `'${echo(base)}' is a file, so the folder '${echo(path)}' cannot be created.`,
      input
    )
  if (!writable(base))
    throw new ConfigurationError(
      `'${echo(path)}' cannot be written: '${echo(base)}' is not writable.`,
      input
    )
}

/**
 * `dir/name` for a file name that came from a server (a profile's UUID, a certificate's serial):
 * only names matching `shape` are accepted, so the path can never leave `dir`.
 */
export function fileInside(dir: string, name: string, shape: RegExp, what: string): string {
  if (!shape.test(name) || name.includes('/') || name.includes('\\') || name.startsWith('.'))
    throw new OperationFailedError(
      `App Store Connect gave ${what} that is not a safe file name; nothing was written.`
    )
  const root = resolve(dir)
  const full = resolve(root, name)
  if (!full.startsWith(root + sep))
    throw new OperationFailedError(
      `App Store Connect gave ${what} that points outside ${dir}; nothing was written.`
    )
  return full
}
