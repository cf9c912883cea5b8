import { ConfigurationError } from '#shared/errors.js'

/** Runs `fn`, which must throw a ConfigurationError, and returns it (anything else fails the test). */
export function configurationError(fn: () => unknown): ConfigurationError {
  try {
    fn()
  } catch (e) {
    if (e instanceof ConfigurationError) return e
    throw e
  }
  throw new Error('expected a ConfigurationError, but nothing was thrown')
}
