import { execFileSync } from 'node:child_process'

/** The openssl binary; its absence fails the test loudly (it is never skipped). */
export function opensslPath(): string {
  try {
    return execFileSync('which', ['openssl']).toString().trim()
  } catch {
    throw new Error(
      'openssl is required by this test (to check the files we write) and is not on PATH'
    )
  }
}
