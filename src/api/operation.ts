import { ConfigurationError } from '#shared/errors.js'
import { echo } from '#shared/inputs.js'
import {
  matchOperation,
  parseOperationText,
  suggestOperations,
  validateBody,
  validateQuery,
  type IndexedOperation,
  type OperationIndex,
  type SchemaMap
} from '#shared/asc/openapi/validate.js'

/** An operation of Apple's document, resolved from the `operation` input. */
export interface ResolvedOperation {
  method: string
  /** The concrete path, with IDs filled in (`/v1/apps/123/builds`). */
  path: string
  op: IndexedOperation
}

/**
 * Resolves `GET /v1/apps/123/builds` (or an operationId such as `apps_getCollection` for paths
 * without parameters) to Apple's operation; anything else is refused with near matches.
 * A query string in the operation (`GET /v1/apps?limit=5`) is returned for merging.
 */
export function resolveOperation(
  index: OperationIndex,
  text: string
): ResolvedOperation & { inlineQuery: Record<string, string> } {
  const raw = text.trim()
  const byId = index.operations.find((o) => o.id === raw)
  if (byId) {
    if (byId.p.includes('{'))
      throw new ConfigurationError(
        `'${echo(raw)}' is ${byId.m} ${byId.p}: write it with the IDs filled in, e.g. '${byId.m} ${byId.p.replace(/\{(\w+)\}/g, '<$1>')}'.`,
        'operation'
      )
    return { method: byId.m, path: byId.p, op: byId, inlineQuery: {} }
  }
  const { method, path: withQuery } = parseOperationText(raw)
  if (!method)
    throw new ConfigurationError(
      `'${echo(raw)}' names no method: write it as 'GET /v1/apps' (GET, POST, PATCH or DELETE, then the path).`,
      'operation'
    )
  const [pathPart, search = ''] = withQuery.split('?', 2)
  const path = pathPart.replace(/\/+$/, '') || '/'
  const placeholder = /\{[^}]*\}|<[^>]*>|:\w+/.exec(path)
  if (placeholder)
    throw new ConfigurationError(
      `'${echo(raw)}' still has the placeholder ${placeholder[0]}: put the resource's ID there.`,
      'operation'
    )
  const match = matchOperation(index, method, path)
  if (!match) {
    const near = suggestOperations(index, `${method} ${path}`, 5)
    throw new ConfigurationError(
      `'${echo(`${method} ${path}`)}' is not an operation of App Store Connect API ${index.version}. Nearest: ${near.join(', ')}.`,
      'operation'
    )
  }
  return {
    method,
    path,
    op: match.op,
    inlineQuery: Object.fromEntries(new URLSearchParams(search))
  }
}

/**
 * The `query` input: a JSON object (values may be strings, numbers, booleans or arrays) or
 * `name=value` lines. Returned as strings, lists comma-joined, as they will be sent.
 */
export function parseQuery(text: string | undefined): Record<string, string> {
  if (!text) return {}
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(trimmed)
    } catch (e) {
      throw new ConfigurationError(`is not valid JSON (${(e as Error).message}).`, 'query')
    }
    const out: Record<string, string> = {}
    for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
      if (value === null || value === undefined) continue
      if (Array.isArray(value)) out[name] = value.map(String).join(',')
      else if (typeof value === 'object')
        throw new ConfigurationError(
          `'${echo(name)}' must be a string, number, boolean or list.`,
          'query'
        )
      else out[name] = String(value)
    }
    return out
  }
  const out: Record<string, string> = {}
  trimmed.split(/\r?\n/).forEach((line, i) => {
    const l = line.trim()
    if (!l || l.startsWith('#')) return
    const at = l.indexOf('=')
    if (at <= 0)
      throw new ConfigurationError(
        `line ${i + 1} ('${echo(l)}') is not name=value; give a JSON object or one name=value per line.`,
        'query'
      )
    out[l.slice(0, at).trim()] = l.slice(at + 1).trim()
  })
  return out
}

/** Refuses a query or body Apple's document does not allow, before anything is sent. */
export function checkRequest(
  index: OperationIndex,
  schemas: SchemaMap,
  op: IndexedOperation,
  query: Record<string, string>,
  body: unknown
): void {
  const queryProblems = validateQuery(index, op, query)
  if (queryProblems.length)
    throw new ConfigurationError(
      `${queryProblems.join('; ')} (for ${op.m} ${op.p}, per Apple's API ${index.version}).`,
      'query'
    )
  const bodyProblems = validateBody(schemas, op, body)
  if (bodyProblems.length)
    throw new ConfigurationError(
      `${bodyProblems.slice(0, 8).join('; ')}${bodyProblems.length > 8 ? ` (and ${bodyProblems.length - 8} more)` : ''} (for ${op.m} ${op.p}${op.b && op.b !== 'object' ? `, schema ${op.b}` : ''}).`,
      'body'
    )
}

/** Whether a GET answers with a collection that `links.next` can page through. */
export function isPageable(op: IndexedOperation): boolean {
  return op.m === 'GET' && !!op.q?.some((p) => p.n === 'limit')
}
