// Apple's error document: {"errors":[{id?, status, code, title, detail, source?, meta?}]}
import { randomUUID } from 'node:crypto'

export interface AscErrorItem {
  id?: string
  status: string
  code: string
  title: string
  detail: string
  source?: { pointer: string } | { parameter: string }
  meta?: Record<string, unknown>
}

/** Titles Apple uses for its codes (the first segment of the code decides). */
const TITLES: Record<string, string> = {
  NOT_AUTHORIZED: 'Authentication credentials are missing or invalid.',
  FORBIDDEN_ERROR: 'The request is forbidden for security reasons.',
  NOT_FOUND: 'The specified resource does not exist',
  PATH_ERROR: 'The URL path is not valid',
  METHOD_NOT_ALLOWED: 'The request method is not valid for the resource path.',
  PARAMETER_ERROR: 'A parameter has an invalid value',
  'PARAMETER_ERROR.ILLEGAL': 'A parameter was not allowed for this request',
  'PARAMETER_ERROR.REQUIRED': 'A required parameter is missing',
  ENTITY_ERROR: 'The provided entity is invalid',
  'ENTITY_ERROR.ATTRIBUTE.INVALID': 'An attribute value is invalid.',
  'ENTITY_ERROR.ATTRIBUTE.UNKNOWN': 'The provided entity includes an unknown attribute',
  'ENTITY_ERROR.ATTRIBUTE.REQUIRED': 'The provided entity is missing a required attribute',
  'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE':
    'The provided entity includes an attribute with a value that has already been used',
  'ENTITY_ERROR.RELATIONSHIP.INVALID':
    'The provided entity includes a relationship with an invalid value',
  'ENTITY_ERROR.RELATIONSHIP.REQUIRED': 'The provided entity is missing a required relationship',
  'ENTITY_ERROR.RELATIONSHIP.UNKNOWN': 'The provided entity includes an unknown relationship',
  ENTITY_UNPROCESSABLE: 'The request entity is not processable',
  STATE_ERROR: 'The request cannot be fulfilled because of the state of another resource.',
  CONFLICT_ERROR: 'The provided resource data is not valid.',
  RATE_LIMIT_EXCEEDED: 'The request rate limit has been reached.',
  UNEXPECTED_ERROR: 'An unexpected error occurred.',
  SERVICE_UNAVAILABLE: 'The service is temporarily unavailable.'
}

export function titleFor(code: string): string {
  let c = code
  while (c) {
    if (TITLES[c]) return TITLES[c]
    const i = c.lastIndexOf('.')
    if (i < 0) break
    c = c.slice(0, i)
  }
  return 'An error occurred.'
}

/**
 * An error a route or hook throws to answer with Apple's error document, e.g.
 * `throw new AscError(409, 'ENTITY_ERROR.ATTRIBUTE.INVALID', 'The name is taken', { pointer: '/data/attributes/name' })`.
 */
/** Where an error points and what it adds to Apple's error item. */
export interface ErrorDetails {
  pointer?: string
  parameter?: string
  title?: string
  meta?: Record<string, unknown>
}

export class AscError extends Error {
  readonly status: number
  readonly errors: AscErrorItem[]
  readonly headers: Record<string, string>

  constructor(
    status: number,
    code: string,
    detail: string,
    extra: ErrorDetails & { headers?: Record<string, string>; more?: AscErrorItem[] } = {}
  ) {
    super(`${status} ${code}: ${detail}`)
    this.status = status
    this.headers = extra.headers ?? {}
    const item = errorItem(status, code, detail, extra)
    this.errors = [item, ...(extra.more ?? [])]
  }
}

export function errorItem(
  status: number,
  code: string,
  detail: string,
  extra: ErrorDetails = {}
): AscErrorItem {
  const item: AscErrorItem = {
    id: randomUUID(),
    status: String(status),
    code,
    title: extra.title ?? titleFor(code),
    detail
  }
  if (extra.pointer !== undefined) item.source = { pointer: extra.pointer }
  else if (extra.parameter !== undefined) item.source = { parameter: extra.parameter }
  if (extra.meta) item.meta = extra.meta
  return item
}

export function errorDocument(errors: AscErrorItem[]): { errors: AscErrorItem[] } {
  return { errors }
}

export const notFound = (type: string, id?: string): AscError =>
  new AscError(
    404,
    'NOT_FOUND',
    id === undefined
      ? `The path provided does not match a defined resource type.`
      : `There is no resource of type '${type}' with id '${id}'`
  )
