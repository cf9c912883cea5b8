// Validation of App Store Connect requests against the compact operation index built by
// scripts/openapi-index.mjs (committed as src/shared/asc/generated/operations.json and schemas.json).
// Pure functions, no I/O: used by the `api` action before it sends anything, and by the fake App
// Store Connect on every request it receives.

/** A query parameter of an operation, as stored in the compact index. */
export interface IndexedParam {
  /** name, e.g. `filter[bundleId]` */
  n: string
  /** `list` (comma-separated array), `string`, `integer`, `boolean`, `number` */
  t: string
  /** item type of a list */
  i?: string
  /** index into {@link OperationIndex.enums} of the allowed values (of the items, for a list) */
  e?: number
  /** maximum (e.g. 200 for `limit`) */
  max?: number
  /** 1 when required */
  r?: 1
}

/** One operation of Apple's document. */
export interface IndexedOperation {
  /** upper-case method */
  m: string
  /** path template, e.g. `/v1/apps/{id}/builds` */
  p: string
  /** operationId */
  id: string
  q?: IndexedParam[]
  /** name of the request body schema in the schema map (`object` when inline) */
  b?: string
  /** content type of a non-JSON success response, or `none` when it has no body */
  r?: string
}

export interface OperationIndex {
  version: string
  sha256?: string
  enums: string[][]
  operations: IndexedOperation[]
}

/** The subset of OpenAPI 3.0 schema objects Apple's document uses. */
export interface JsonSchema {
  type?: string
  properties?: Record<string, JsonSchema>
  required?: string[]
  enum?: unknown[]
  items?: JsonSchema
  $ref?: string
  oneOf?: JsonSchema[]
  anyOf?: JsonSchema[]
  allOf?: JsonSchema[]
  nullable?: boolean
  format?: string
  additionalProperties?: boolean | JsonSchema
  minimum?: number
  maximum?: number
  discriminator?: { propertyName: string; mapping?: Record<string, string> }
  [key: string]: unknown
}

/** Component schemas by name (the `schemas` member of schemas.json). */
export type SchemaMap = Record<string, JsonSchema>

export interface OperationMatch {
  op: IndexedOperation
  pathParams: Record<string, string>
}

export interface PathMatch {
  template: string
  pathParams: Record<string, string>
  /** the operations of that path, by upper-case method */
  operations: Record<string, IndexedOperation>
}

export interface QueryProblem {
  parameter: string
  message: string
  kind: 'unknown' | 'enum' | 'integer' | 'boolean' | 'number' | 'max' | 'min' | 'required' | 'empty'
}

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

/** `GET /v1/apps` */
export function describeOperation(op: IndexedOperation): string {
  return `${op.m} ${op.p}`
}

/** Lists values briefly: the first `max` then "…". */
export function briefList(values: readonly string[], max = 10): string {
  if (values.length <= max) return values.join(', ')
  return `${values.slice(0, max).join(', ')}, … (${values.length} in all)`
}

// ---------------------------------------------------------------------------------------------
// Operation matching

interface CompiledTemplate {
  template: string
  /** literal segment, or null for a `{param}` */
  segs: (string | null)[]
  names: string[]
  ops: Record<string, IndexedOperation>
}

const compiled = new WeakMap<OperationIndex, Map<number, CompiledTemplate[]>>()

function compile(index: OperationIndex): Map<number, CompiledTemplate[]> {
  let byLength = compiled.get(index)
  if (byLength) return byLength
  byLength = new Map()
  const byTemplate = new Map<string, CompiledTemplate>()
  for (const op of index.operations) {
    let t = byTemplate.get(op.p)
    if (!t) {
      const parts = splitPath(op.p)
      const names: string[] = []
      const segs = parts.map((s) => {
        const m = /^\{(.+)\}$/.exec(s)
        if (m) {
          names.push(m[1])
          return null
        }
        return s
      })
      t = { template: op.p, segs, names, ops: {} }
      byTemplate.set(op.p, t)
      const list = byLength.get(segs.length) ?? []
      list.push(t)
      byLength.set(segs.length, list)
    }
    t.ops[op.m.toUpperCase()] = op
  }
  compiled.set(index, byLength)
  return byLength
}

function splitPath(path: string): string[] {
  let p = path
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) {
    try {
      p = new URL(p).pathname
    } catch {
      /* keep as is */
    }
  }
  const q = p.search(/[?#]/)
  if (q >= 0) p = p.slice(0, q)
  return p.split('/').filter((s) => s !== '')
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/**
 * Finds the path template a concrete path belongs to, whatever the method. A literal segment wins
 * over a `{param}` at the same position (compared left to right).
 */
export function matchPath(index: OperationIndex, path: string): PathMatch | undefined {
  const parts = splitPath(path)
  const candidates = compile(index).get(parts.length) ?? []
  let best: CompiledTemplate | undefined
  for (const t of candidates) {
    let ok = true
    for (let i = 0; i < parts.length; i++) {
      const s = t.segs[i]
      if (s !== null && s !== parts[i]) {
        ok = false
        break
      }
    }
    if (!ok) continue
    if (!best || morePrecise(t, best)) best = t
  }
  if (!best) return undefined
  const pathParams: Record<string, string> = {}
  let k = 0
  best.segs.forEach((s, i) => {
    if (s === null) pathParams[best!.names[k++]] = safeDecode(parts[i])
  })
  return { template: best.template, pathParams, operations: best.ops }
}

function morePrecise(a: CompiledTemplate, b: CompiledTemplate): boolean {
  for (let i = 0; i < a.segs.length; i++) {
    const al = a.segs[i] !== null
    const bl = b.segs[i] !== null
    if (al !== bl) return al
  }
  return false
}

/** The operation for a method and a concrete path (`/v1/apps/123/builds`), with its path parameters. */
export function matchOperation(
  index: OperationIndex,
  method: string,
  path: string
): OperationMatch | undefined {
  const m = matchPath(index, path)
  if (!m) return undefined
  const op = m.operations[method.toUpperCase()]
  if (!op) return undefined
  return { op, pathParams: m.pathParams }
}

/** The operation with exactly this template (`GET`, `/v1/apps/{id}`). */
export function findOperation(
  index: OperationIndex,
  method: string,
  template: string
): IndexedOperation | undefined {
  const parts = splitPath(template)
  const t = (compile(index).get(parts.length) ?? []).find((c) => c.template === template)
  return t?.ops[method.toUpperCase()]
}

// ---------------------------------------------------------------------------------------------
// Query parameters

function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestD = Infinity
  for (const c of candidates) {
    const d = levenshtein(name.toLowerCase(), c.toLowerCase())
    if (d < bestD) {
      bestD = d
      best = c
    }
  }
  if (best === undefined) return undefined
  return bestD <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined
}

/** Problems with the query parameters of a request, each naming its parameter. */
export function validateQueryDetailed(
  index: OperationIndex,
  op: IndexedOperation,
  query: Record<string, string>
): QueryProblem[] {
  const problems: QueryProblem[] = []
  const params = op.q ?? []
  const byName = new Map(params.map((p) => [p.n, p]))
  const where = describeOperation(op)
  const paged = op.m === 'GET' && byName.has('limit')
  for (const [name, raw] of Object.entries(query)) {
    const p = byName.get(name)
    // Apple's `links.next` adds `cursor`, which the document does not list
    if (!p && name === 'cursor' && paged) continue
    if (!p) {
      const names = params.map((x) => x.n)
      const guess = closest(name, names)
      problems.push({
        parameter: name,
        kind: 'unknown',
        message: names.length
          ? `'${name}' is not a parameter of ${where}${guess ? ` (did you mean '${guess}'?)` : ''}; allowed: ${briefList(names)}`
          : `'${name}' is not a parameter of ${where}, which takes no query parameters`
      })
      continue
    }
    const value = String(raw)
    if (p.t === 'list') {
      const items = value.split(',').map((s) => s.trim())
      if (value.trim() === '' || items.some((s) => s === '')) {
        problems.push({
          parameter: name,
          kind: 'empty',
          message: `'${name}' has an empty value${value.trim() === '' ? '' : ` in '${value}'`}`
        })
        continue
      }
      for (const item of items) {
        const problem = checkScalar(index, p, p.i ?? 'string', item)
        if (problem) problems.push(problem)
      }
    } else {
      if (value === '' && p.t !== 'string') {
        problems.push({ parameter: name, kind: 'empty', message: `'${name}' has an empty value` })
        continue
      }
      const problem = checkScalar(index, p, p.t, value)
      if (problem) problems.push(problem)
    }
  }
  for (const p of params) {
    if (p.r && !(p.n in query)) {
      const allowed = p.e !== undefined ? `; one of: ${briefList(index.enums[p.e] ?? [])}` : ''
      problems.push({
        parameter: p.n,
        kind: 'required',
        message: `'${p.n}' is required by ${where}${allowed}`
      })
    }
  }
  return problems
}

function checkScalar(
  index: OperationIndex,
  p: IndexedParam,
  type: string,
  value: string
): QueryProblem | undefined {
  const name = p.n
  if (type === 'integer') {
    if (!/^-?\d+$/.test(value)) {
      return {
        parameter: name,
        kind: 'integer',
        message: `'${name}' must be an integer, not '${value}'`
      }
    }
    const n = Number(value)
    if (p.max !== undefined && n > p.max) {
      return { parameter: name, kind: 'max', message: `'${name}' is ${n}; the maximum is ${p.max}` }
    }
    if ((name === 'limit' || name.startsWith('limit[')) && n < 1) {
      return { parameter: name, kind: 'min', message: `'${name}' is ${n}; the minimum is 1` }
    }
    return undefined
  }
  if (type === 'number') {
    if (value.trim() === '' || !Number.isFinite(Number(value))) {
      return {
        parameter: name,
        kind: 'number',
        message: `'${name}' must be a number, not '${value}'`
      }
    }
    if (p.max !== undefined && Number(value) > p.max) {
      return {
        parameter: name,
        kind: 'max',
        message: `'${name}' is ${value}; the maximum is ${p.max}`
      }
    }
    return undefined
  }
  if (type === 'boolean') {
    if (value !== 'true' && value !== 'false') {
      return {
        parameter: name,
        kind: 'boolean',
        message: `'${name}' must be true or false, not '${value}'`
      }
    }
    return undefined
  }
  if (p.e !== undefined) {
    const allowed = index.enums[p.e] ?? []
    if (!allowed.includes(value)) {
      const guess = closest(value, allowed)
      return {
        parameter: name,
        kind: 'enum',
        message: `'${value}' is not a valid value of '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}; allowed: ${briefList(allowed)}`
      }
    }
  }
  return undefined
}

/**
 * Problems with the query parameters of a request (`cursor` is accepted on paged GETs: Apple's
 * `links.next` carries it though the document does not list it): unknown parameter, value not in the enum (lists
 * are comma-separated), not an integer, over the maximum, required parameter missing.
 */
export function validateQuery(
  index: OperationIndex,
  op: IndexedOperation,
  query: Record<string, string>
): string[] {
  return validateQueryDetailed(index, op, query).map((p) => p.message)
}

// ---------------------------------------------------------------------------------------------
// Request bodies

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

// ---------------------------------------------------------------------------------------------
// Suggestions

const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']

/** Splits `"GET /v1/apps"` (method optional) into method and path. */
export function parseOperationText(text: string): { method?: string; path: string } {
  const t = text.trim()
  const m = /^([A-Za-z]+)\s+(\S.*)$/.exec(t)
  if (m && METHODS.includes(m[1].toUpperCase()))
    return { method: m[1].toUpperCase(), path: m[2].trim() }
  return { path: t }
}

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0
  if (!a.length) return b.length
  if (!b.length) return a.length
  let prev = new Array<number>(b.length + 1)
  let cur = new Array<number>(b.length + 1)
  for (let j = 0; j <= b.length; j++) prev[j] = j
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    }
    ;[prev, cur] = [cur, prev]
  }
  return prev[b.length]
}

function segmentCost(user: string, tmpl: string | null): number {
  if (tmpl === null) return /^\{.*\}$/.test(user) || !/^[a-z]+[A-Za-z]*$/.test(user) ? 0 : 0.5
  if (user === tmpl) return 0
  const d = levenshtein(user.toLowerCase(), tmpl.toLowerCase())
  const caseOnly = d === 0 ? 0.05 : 0
  return Math.min(1, d / Math.max(user.length, tmpl.length)) + caseOnly
}

function pathDistance(user: string[], tmpl: (string | null)[]): number {
  const n = user.length
  const m = tmpl.length
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0))
  for (let i = 0; i <= n; i++) dp[i][0] = i
  for (let j = 0; j <= m; j++) dp[0][j] = j
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      dp[i][j] = Math.min(
        dp[i - 1][j] + 1,
        dp[i][j - 1] + 1,
        dp[i - 1][j - 1] + segmentCost(user[i - 1], tmpl[j - 1])
      )
    }
  }
  return dp[n][m]
}

/**
 * Near matches for a mistyped `"METHOD /path"` (or just a path), best first, as `"GET /v1/apps"`
 * strings, for error messages.
 */
export function suggestOperations(index: OperationIndex, text: string, n = 5): string[] {
  const { method, path } = parseOperationText(text)
  const user = splitPath(path)
  const scored: { text: string; score: number; raw: number }[] = []
  for (const list of compile(index).values()) {
    for (const t of list) {
      const d = pathDistance(user, t.segs)
      for (const m of Object.keys(t.ops)) {
        const methodPenalty = method && method !== m ? 0.6 : 0
        const text2 = `${m} ${t.template}`
        scored.push({
          text: text2,
          score: d + methodPenalty,
          raw: levenshtein(`${method ?? m} ${path}`.toLowerCase(), text2.toLowerCase())
        })
      }
    }
  }
  scored.sort((a, b) => a.score - b.score || a.raw - b.raw || a.text.localeCompare(b.text))
  return scored.slice(0, n).map((s) => s.text)
}
