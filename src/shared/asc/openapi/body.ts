// Strict validation of a request body against its schema (the OpenAPI 3.0 subset Apple uses).
import { briefList, closest } from '../../text.js'
import { describeOperation, type IndexedOperation, type JsonSchema, type SchemaMap } from './index-types.js'

export interface BodyProblem {
  /** JSON pointer into the body, `` for the body itself */
  pointer: string
  message: string
  kind:
    | 'unknown'
    | 'required'
    | 'type'
    | 'enum'
    | 'format'
    | 'null'
    | 'range'
    | 'oneOf'
    | 'missing-body'
    | 'unexpected-body'
}

const MAX_PROBLEMS = 50

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1')
}

function refName(ref: string): string {
  return ref.split('/').pop() ?? ref
}

function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

class BodyValidator {
  constructor(private readonly schemas: SchemaMap) {}

  resolve(schema: JsonSchema, depth = 0): JsonSchema {
    let s = schema
    let guard = 0
    while (s && s.$ref && guard++ < 32 + depth) {
      const next = this.schemas[refName(s.$ref)]
      if (!next) return {}
      s = next
    }
    return s ?? {}
  }

  check(schema: JsonSchema, value: unknown, pointer: string, out: BodyProblem[]): void {
    if (out.length >= MAX_PROBLEMS) return
    const s = this.resolve(schema)
    if (value === null) {
      if (s.nullable) return
      const variants = s.oneOf ?? s.anyOf
      if (variants ? variants.some((v) => this.resolve(v).nullable) : s.type === undefined) return
      out.push({ pointer, kind: 'null', message: `${label(pointer)}: must not be null` })
      return
    }
    if (s.allOf) for (const part of s.allOf) this.check(part, value, pointer, out)
    if (s.oneOf || s.anyOf) {
      this.checkAlternatives(s, value, pointer, out)
      return
    }
    if (s.type && !typeMatches(s.type, value)) {
      out.push({
        pointer,
        kind: 'type',
        message: `${label(pointer)}: must be ${article(s.type)}, not ${article(typeOf(value))}`
      })
      return
    }
    if (s.enum && !s.enum.includes(value)) {
      const allowed = s.enum.map((v) => String(v))
      out.push({
        pointer,
        kind: 'enum',
        message: `${label(pointer)}: '${String(value)}' is not allowed; one of: ${briefList(allowed)}`
      })
      return
    }
    if (typeof value === 'string' && s.format) {
      const problem = checkFormat(s.format, value)
      if (problem) out.push({ pointer, kind: 'format', message: `${label(pointer)}: ${problem}` })
    }
    if (typeof value === 'number') {
      if (s.minimum !== undefined && value < s.minimum) {
        out.push({
          pointer,
          kind: 'range',
          message: `${label(pointer)}: ${value} is below ${s.minimum}`
        })
      }
      if (s.maximum !== undefined && value > s.maximum) {
        out.push({
          pointer,
          kind: 'range',
          message: `${label(pointer)}: ${value} is above ${s.maximum}`
        })
      }
    }
    if (Array.isArray(value)) {
      if (s.items) value.forEach((v, i) => this.check(s.items!, v, `${pointer}/${i}`, out))
      return
    }
    if (typeof value === 'object') {
      const obj = value as Record<string, unknown>
      const props = s.properties
      for (const req of s.required ?? []) {
        if (obj[req] === undefined) {
          out.push({
            pointer: `${pointer}/${escapePointer(req)}`,
            kind: 'required',
            message: `${label(`${pointer}/${escapePointer(req)}`)}: required but missing`
          })
        }
      }
      for (const [key, v] of Object.entries(obj)) {
        if (v === undefined) continue
        const child = `${pointer}/${escapePointer(key)}`
        const prop = props?.[key]
        if (prop) {
          this.check(prop, v, child, out)
        } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
          this.check(s.additionalProperties, v, child, out)
        } else if (props && s.additionalProperties !== true) {
          const known = Object.keys(props)
          const guess = closest(key, known)
          out.push({
            pointer: child,
            kind: 'unknown',
            message: `${label(child)}: not defined by the schema${guess ? ` (did you mean '${guess}'?)` : ''}; allowed: ${briefList(known)}`
          })
        }
      }
    }
  }

  checkAlternatives(s: JsonSchema, value: unknown, pointer: string, out: BodyProblem[]): void {
    const variants = s.oneOf ?? s.anyOf ?? []
    const disc = s.discriminator
    if (disc && value && typeof value === 'object' && !Array.isArray(value)) {
      const tag = (value as Record<string, unknown>)[disc.propertyName]
      const target = typeof tag === 'string' ? disc.mapping?.[tag] : undefined
      if (target) {
        this.check({ $ref: target }, value, pointer, out)
        return
      }
    }
    let best: BodyProblem[] | undefined
    for (const v of variants) {
      const problems: BodyProblem[] = []
      this.check(v, value, pointer, problems)
      if (problems.length === 0) return
      if (!best || score(problems) < score(best)) best = problems
    }
    if (!best) return
    // A variant whose `type` enum does not match is a poor guess: say that nothing matched.
    if (best.length === 1 && best[0].pointer === pointer && best[0].kind === 'type') {
      out.push({
        pointer,
        kind: 'oneOf',
        message: `${label(pointer)}: matches none of the ${variants.length} allowed shapes`
      })
      return
    }
    out.push(...best)
  }
}

function score(problems: BodyProblem[]): number {
  // problems about the discriminating `type` member weigh more: that variant is the wrong one
  return problems.reduce((n, p) => n + (/\/type$/.test(p.pointer) && p.kind === 'enum' ? 10 : 1), 0)
}

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
    case 'array':
      return Array.isArray(value)
    case 'string':
      return typeof value === 'string'
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value)
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'boolean':
      return typeof value === 'boolean'
    default:
      return true
  }
}

function checkFormat(format: string, value: string): string | undefined {
  switch (format) {
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : `'${value}' is not a date (YYYY-MM-DD)`
    case 'date-time':
      return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : `'${value}' is not a date-time (ISO 8601, e.g. 2024-05-01T12:00:00Z)`
    case 'uri':
      return /^[a-z][a-z0-9+.-]*:\S+$/i.test(value) ? undefined : `'${value}' is not a URI`
    case 'email':
      return /^[^@\s]+@[^@\s]+$/.test(value) ? undefined : `'${value}' is not an e-mail address`
    default:
      return undefined
  }
}

function article(type: string): string {
  if (type === 'null') return 'null'
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

function label(pointer: string): string {
  return pointer === '' ? 'body' : pointer
}

/** Problems with a request body, each with the JSON pointer of what is wrong. */
export function validateBodyDetailed(
  schemas: SchemaMap,
  op: IndexedOperation,
  body: unknown
): BodyProblem[] {
  const where = describeOperation(op)
  if (body === undefined) {
    return op.b
      ? [{ pointer: '', kind: 'missing-body', message: `${where} requires a JSON body (${op.b})` }]
      : []
  }
  if (!op.b) {
    return [{ pointer: '', kind: 'unexpected-body', message: `${where} takes no body` }]
  }
  if (op.b === 'object') {
    return typeMatches('object', body)
      ? []
      : [{ pointer: '', kind: 'type', message: `body: must be an object` }]
  }
  const schema = schemas[op.b]
  if (!schema) return []
  const out: BodyProblem[] = []
  new BodyValidator(schemas).check(schema, body, '', out)
  return out
}

/**
 * Strict JSON-schema check of a request body (the OpenAPI 3.0 subset Apple uses): a member the
 * schema does not define is a problem. Each problem starts with its JSON pointer.
 */
export function validateBody(schemas: SchemaMap, op: IndexedOperation, body: unknown): string[] {
  return validateBodyDetailed(schemas, op, body).map((p) => p.message)
}
