import { EnvironmentError } from '../errors.js'
import { serverText } from '../log.js'
import type { Query } from './types.js'

/**
 * Resolves a path of ours (`/v1/apps`) or a URL the server gave (`links.next`, a relationship
 * link) by the WHATWG URL rules, as a browser would, and refuses anything whose origin is not the
 * API's (or that carries credentials): `//host`, `/\\host`, leading blanks or a tab inside a path
 * cannot move the token elsewhere. Query parameters are set on the result.
 */
export function resolveApiUrl(base: URL, target: string, query?: Query): URL {
  // What the URL parser ignores, ignored first: leading/trailing C0 controls and spaces, tabs, new lines.
  // eslint-disable-next-line no-control-regex
  const text = target.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '')
  let url: URL
  try {
    if (/^[a-z][a-z0-9+.-]*:/i.test(text) || /^[/\\]{2}/.test(text)) url = new URL(text, base)
    else {
      const prefix = base.pathname.replace(/\/+$/, '')
      url = new URL(`${prefix}${/^[/\\]/.test(text) ? '' : '/'}${text}`, base)
    }
  } catch {
    throw new EnvironmentError(
      'redirect',
      `Refusing to follow '${serverText(target, 100)}': it is not a URL`,
      {
        advice: 'Check api-base-url and the URL asked for'
      }
    )
  }
  if (url.origin !== base.origin || url.username || url.password)
    throw new EnvironmentError(
      'redirect',
      `Refusing to send App Store Connect credentials to ${serverText(url.origin, 100)} (from '${serverText(target, 100)}'): only ${base.origin} receives them`,
      { advice: 'Check api-base-url and the URL asked for' }
    )
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue
    url.searchParams.set(name, Array.isArray(value) ? value.join(',') : String(value))
  }
  return url
}

/** The path and query of a URL, for messages: never credentials, never a workflow command. */
export function describeUrl(url: URL): string {
  let search = url.search
  try {
    search = decodeURIComponent(search)
  } catch {
    // keep it encoded
  }
  return serverText(`${url.pathname}${search}`, 1000)
}
