import { serverText } from '../log.js'

/** One entry of Apple's error document (`ErrorResponse.errors[]`). */
export interface AppleError {
  id?: string
  status: string
  code: string
  title: string
  detail: string
  source?: { pointer?: string; parameter?: string }
  meta?: { associatedErrors?: Record<string, AppleError[]>; [key: string]: unknown }
}

/** Parses Apple's error document; tolerant of bodies that are not one. */
export function parseAppleErrors(body: unknown): AppleError[] {
  const errors = (body as { errors?: unknown })?.errors
  if (!Array.isArray(errors)) return []
  return errors.filter((e): e is AppleError => typeof e === 'object' && e !== null)
}

/**
 * App Store Connect answered with an error. The message is built to be read in a failed step's
 * annotation: what happened, Apple's own words, and what to do about it.
 */
export class ApiError extends Error {
  readonly status: number
  readonly errors: AppleError[]
  readonly method: string
  readonly path: string

  constructor(
    status: number,
    method: string,
    path: string,
    errors: AppleError[],
    note?: string,
    message?: string
  ) {
    super(message ?? describe(status, method, path, errors, note))
    this.name = 'ApiError'
    this.status = status
    this.errors = errors
    this.method = method
    this.path = path
  }

  /**
   * An answer that is not what the request needs (not JSON, no `data` array, too big): an ApiError
   * saying what was wrong with it, so every entry point fails with one clear message, not a TypeError.
   */
  static unusable(status: number, method: string, path: string, problem: string): ApiError {
    return new ApiError(
      status,
      method,
      path,
      [],
      undefined,
      `App Store Connect answered ${status} to ${method} ${path}, but ${problem}. This is not an answer the API gives: check api-base-url (a proxy or captive portal may be answering), then run the step again.`
    )
  }

  /** The first error's code (e.g. `STATE_ERROR`, `ENTITY_ERROR.ATTRIBUTE.INVALID`). */
  get code(): string | undefined {
    return this.errors[0]?.code
  }

  hasCode(prefix: string): boolean {
    return this.errors.some((e) => e.code === prefix || e.code?.startsWith(`${prefix}.`))
  }
}

function flatten(errors: AppleError[]): AppleError[] {
  const out: AppleError[] = []
  for (const e of errors) {
    out.push(e)
    for (const nested of Object.values(e.meta?.associatedErrors ?? {})) out.push(...flatten(nested))
  }
  return out
}

/** Apple's words for one error, neutralised (server text), with no doubled or empty sentences. */
function line(e: AppleError): string {
  const clean = (t: unknown) =>
    typeof t === 'string'
      ? serverText(t)
          .trim()
          .replace(/[.\s]+$/, '')
      : ''
  const where = clean(e.source?.pointer ?? e.source?.parameter)
  const text = [clean(e.title), clean(e.detail)]
    .filter((t, i, a) => t && a.indexOf(t) === i)
    .join(': ')
  const previous = e.meta?.previousBundleVersion
  const extra =
    typeof previous === 'string' || typeof previous === 'number'
      ? ` (previous build number: ${serverText(previous, 40)})`
      : ''
  return `${clean(e.code) || 'ERROR'}${where ? ` at ${where}` : ''}${text ? `: ${text}` : ''}${extra}`
}

/** What to do, keyed by status and code. */
export function advice(status: number, errors: AppleError[], path: string): string {
  const codes = errors.map((e) => e.code ?? '')
  if (status === 401)
    return (
      "Check that key-id is the ID of this .p8 key, that issuer-id is your team's issuer ID (leave it empty only for an individual key), " +
      "that the runner's clock is right, and that the key has not been revoked (App Store Connect > Users and Access > Integrations)."
    )
  if (codes.some((c) => c.includes('REQUIRED_AGREEMENTS_MISSING_OR_EXPIRED')))
    return 'The Account Holder must accept the latest agreements in App Store Connect (Business > Agreements) before the API can be used.'
  if (status === 403) {
    if (/\/(bundleIds|certificates|devices|profiles)\b/.test(path))
      return 'Provisioning needs a team key with the Admin role (Apple gives other roles access to certificates, identifiers and profiles only per user, which a key cannot have); individual keys cannot manage bundle IDs, certificates, devices or profiles.'
    return "The API key's role does not allow this. Give the key a higher role (App Manager or Admin) in App Store Connect > Users and Access > Integrations."
  }
  if (status === 404) return 'Check the ID or name: it does not exist, or this key cannot see it.'
  if (status === 409)
    return codes.some((c) => c.startsWith('STATE_ERROR'))
      ? 'The resource is not in a state that allows this (see the detail above); it may already be done, or need to wait.'
      : 'Apple refused the request as it stands; the detail above names the field.'
  if (status === 429)
    return 'The API key ran out of its hourly request quota (3,600 by default). Wait, or spread jobs across keys.'
  if (status >= 500) return 'App Store Connect is having trouble; retry the step later.'
  if (status === 400 || status === 422)
    return 'A parameter or field was refused; the detail above names it.'
  return ''
}

function describe(
  status: number,
  method: string,
  path: string,
  errors: AppleError[],
  note?: string
): string {
  const all = flatten(errors)
  const head = `App Store Connect answered ${status} to ${method} ${path}`
  const details = all.length ? all.slice(0, 5).map(line).join('; ') : 'no error document'
  const more = all.length > 5 ? ` (and ${all.length - 5} more)` : ''
  const tip = advice(status, all, path)
  return `${head}: ${details}${more}.${note ? ` ${note}` : ''}${tip ? ` ${tip}` : ''}`
}
