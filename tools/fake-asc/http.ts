// The fake's HTTP plumbing that needs no server state: custom routes, fault answers, Apple's
// error codes for body problems, and writing a reply.
import type { ServerResponse } from 'node:http'
import type { BodyProblem } from '../../src/shared/asc/openapi/body.js'
import { errorDocument, errorItem } from './errors.js'
import type { Fault } from './faults.js'
import type { Reply, Route } from './types.js'

/** Kinds of resources Apple refuses to individual keys. */
export const PROVISIONING_TYPES = new Set([
  'bundleIds',
  'bundleIdCapabilities',
  'certificates',
  'devices',
  'profiles',
  'merchantIds',
  'passTypeIds'
])

export const CHANGING = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])

export interface CompiledRoute {
  route: Route
  methods: Set<string>
  match: (path: string) => Record<string, string> | undefined
}

export function compileRoute(route: Route): CompiledRoute {
  const methods = new Set(
    (Array.isArray(route.method) ? route.method : [route.method]).map((m) => m.toUpperCase())
  )
  let match: CompiledRoute['match']
  if (typeof route.path === 'string') {
    const segs = route.path.split('/').filter(Boolean)
    match = (path) => {
      const parts = path.split('/').filter(Boolean)
      if (parts.length !== segs.length) return undefined
      const params: Record<string, string> = {}
      for (let i = 0; i < segs.length; i++) {
        const m = /^\{(.+)\}$/.exec(segs[i])
        if (m) params[m[1]] = decodeURIComponent(parts[i])
        else if (segs[i] !== parts[i]) return undefined
      }
      return params
    }
  } else {
    const re = route.path
    match = (path) => {
      re.lastIndex = 0
      const m = re.exec(path)
      return m ? { ...(m.groups ?? {}) } : undefined
    }
  }
  return { route, methods, match }
}

export function bodyCode(p: BodyProblem): string {
  const rel = p.pointer.includes('/relationships/')
  switch (p.kind) {
    case 'missing-body':
    case 'unexpected-body':
      return 'PARAMETER_ERROR.INVALID'
    case 'unknown':
      return rel ? 'ENTITY_ERROR.RELATIONSHIP.UNKNOWN' : 'ENTITY_ERROR.ATTRIBUTE.UNKNOWN'
    case 'required':
      return rel ? 'ENTITY_ERROR.RELATIONSHIP.REQUIRED' : 'ENTITY_ERROR.ATTRIBUTE.REQUIRED'
    default:
      return rel ? 'ENTITY_ERROR.RELATIONSHIP.INVALID' : 'ENTITY_ERROR.ATTRIBUTE.INVALID'
  }
}

export function isJson(contentType: string | undefined, raw: Buffer): boolean {
  if (contentType && /json/i.test(contentType)) return true
  if (contentType && !/text\/plain/i.test(contentType)) return false
  const first = raw.subarray(0, 1).toString()
  return first === '{' || first === '['
}

export function faultReply(fault: Fault): Reply {
  const status = fault.status ?? 500
  const code =
    fault.code ??
    (status === 429
      ? 'RATE_LIMIT_EXCEEDED'
      : status === 503
        ? 'SERVICE_UNAVAILABLE'
        : status >= 500
          ? 'UNEXPECTED_ERROR'
          : status === 401
            ? 'NOT_AUTHORIZED'
            : status === 404
              ? 'NOT_FOUND'
              : 'STATE_ERROR')
  const headers: Record<string, string> = {}
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter)
  if (status === 502 || status === 504) {
    // what a gateway in front of the API answers: not Apple's JSON
    return {
      status,
      body: `<html><body><h1>${status} ${status === 502 ? 'Bad Gateway' : 'Gateway Timeout'}</h1></body></html>`,
      headers: { ...headers, 'content-type': 'text/html' }
    }
  }
  return {
    status,
    json: errorDocument([errorItem(status, code, `Injected fault: ${status}.`)]),
    headers
  }
}

export function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) }
  let payload: Buffer | string | undefined
  if (reply.json !== undefined) {
    payload = JSON.stringify(reply.json)
    headers['content-type'] ??= 'application/json'
  } else if (reply.body !== undefined) {
    payload = reply.body
  }
  if (payload !== undefined && reply.status !== 204) {
    headers['content-length'] = String(Buffer.byteLength(payload))
    res.writeHead(reply.status, headers)
    res.end(payload)
  } else {
    res.writeHead(reply.status, headers)
    res.end()
  }
}
