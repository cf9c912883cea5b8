// The explorer's compact model of Apple's OpenAPI document: every operation (with its tags,
// parameters, body and response schema) and every component schema, stripped of prose and with
// JSON:API relationships collapsed. Built from the document itself by `buildModel()`: at build time
// by scripts/generate-openapi.mjs (committed as src/shared/asc/generated/explorer.json, what the
// bundle serves by default) and at run time from `--spec <file>`. Pure, no I/O.
import type { IndexedOperation, IndexedParam } from '#shared/asc/openapi/validate.js'

/** A query parameter: the operation index's fields, plus its description. */
export interface ModelParam extends IndexedParam {
  /** index into {@link ExplorerModel.texts} of Apple's description */
  d?: number
}

/** An operation: the operation index's fields (so validate.ts helpers accept it), and more. */
export interface ModelOperation extends IndexedOperation {
  q?: ModelParam[]
  /** Apple's tags (the resource categories) */
  g: string[]
  /** 1 when a GET answers with pages (`limit`, `links.next`) */
  pg?: 1
  /** the schema of the success response, when it is a named one */
  s?: string
}

/** A schema, stripped to what the explorer shows. */
export interface ModelSchema {
  /** type: object, string, integer, boolean, number, array */
  t?: string
  /** format, e.g. date-time */
  f?: string
  /** index into {@link ExplorerModel.enums} */
  e?: number
  /** 1 when null is allowed */
  n?: 1
  /** properties */
  p?: Record<string, ModelSchema>
  /** required property names */
  r?: string[]
  /** a named component schema */
  ref?: string
  /** array items */
  i?: ModelSchema
  /** oneOf / anyOf alternatives */
  of?: ModelSchema[]
  /** a JSON:API relationship: the related resource type */
  rel?: string
  /** with `rel`: 1 for a to-many relationship */
  many?: 1
  min?: number
  max?: number
}

export interface ExplorerModel {
  /** `info.version` of Apple's document */
  version: string
  /** SHA-256 of the document's text, when known */
  sha256?: string
  enums: string[][]
  texts: string[]
  operations: ModelOperation[]
  schemas: Record<string, ModelSchema>
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any

const METHODS = ['get', 'post', 'patch', 'put', 'delete']

class Table<T> {
  readonly values: T[] = []
  private readonly ids = new Map<string, number>()
  id(value: T): number {
    const key = JSON.stringify(value)
    let id = this.ids.get(key)
    if (id === undefined) {
      id = this.values.length
      this.ids.set(key, id)
      this.values.push(value)
    }
    return id
  }
}

const refName = (ref: string): string => ref.split('/').pop() ?? ref

/** Builds the explorer's model from Apple's OpenAPI document (parsed JSON). */
export function buildModel(spec: Json, sha256?: string): ExplorerModel {
  if (!spec || typeof spec !== 'object' || !spec.paths || !spec.info)
    throw new Error('is not an OpenAPI document (no info or paths)')
  const enums = new Table<string[]>()
  const texts = new Table<string>()
  const components: Record<string, Json> = spec.components?.schemas ?? {}

  const deref = (node: Json): Json => {
    let n = node
    for (let guard = 0; n && n.$ref && guard < 32; guard++)
      n = String(n.$ref)
        .split('/')
        .slice(1)
        .reduce((o: Json, k: string) => o?.[k], spec)
    return n
  }

  const param = (raw: Json): ModelParam => {
    const schema = deref(raw.schema) ?? {}
    const list = schema.type === 'array'
    const item = list ? (deref(schema.items) ?? {}) : schema
    const out: ModelParam = { n: raw.name, t: list ? 'list' : (item.type ?? 'string') }
    if (list) out.i = item.type ?? 'string'
    if (item.enum) out.e = enums.id(item.enum.map(String))
    if (schema.maximum !== undefined) out.max = schema.maximum
    if (list && item.maximum !== undefined) out.max = item.maximum
    if (raw.required) out.r = 1
    if (raw.description) out.d = texts.id(String(raw.description))
    return out
  }

  const operations: ModelOperation[] = []
  for (const [path, item] of Object.entries<Json>(spec.paths)) {
    for (const method of METHODS) {
      const op = item?.[method]
      if (!op) continue
      const entry: ModelOperation = {
        m: method.toUpperCase(),
        p: path,
        id: op.operationId ?? `${method} ${path}`,
        g: Array.isArray(op.tags) ? op.tags.map(String) : []
      }
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(deref)
      const query = params.filter((p: Json) => p?.in === 'query').map(param)
      if (query.length) entry.q = query
      const body = op.requestBody && deref(op.requestBody)
      if (body) {
        const schema = body.content?.['application/json']?.schema
        entry.b = schema?.$ref ? refName(schema.$ref) : 'object'
      }
      const ok = Object.entries<Json>(op.responses ?? {}).find(([code]) => /^2/.test(code))
      if (ok) {
        const content = deref(ok[1])?.content ?? {}
        const types = Object.keys(content)
        if (types.length && !types.some((t) => t.includes('json'))) entry.r = types[0]
        if (!types.length) entry.r = 'none'
        const json = types.find((t) => t.includes('json'))
        const ref = json ? content[json]?.schema?.$ref : undefined
        if (ref) entry.s = refName(ref)
      }
      if (entry.m === 'GET' && query.some((p) => p.n === 'limit')) entry.pg = 1
      operations.push(entry)
    }
  }

  const strip = (node: Json, depth = 0): ModelSchema => {
    if (!node || typeof node !== 'object' || depth > 24) return {}
    if (node.$ref) return { ref: refName(node.$ref) }
    const rel = relationship(node)
    if (rel) return rel
    const out: ModelSchema = {}
    if (typeof node.type === 'string') out.t = node.type
    if (typeof node.format === 'string') out.f = node.format
    if (Array.isArray(node.enum)) out.e = enums.id(node.enum.map(String))
    if (node.nullable) out.n = 1
    if (typeof node.minimum === 'number') out.min = node.minimum
    if (typeof node.maximum === 'number') out.max = node.maximum
    if (node.properties) {
      out.p = {}
      for (const [k, v] of Object.entries<Json>(node.properties)) out.p[k] = strip(v, depth + 1)
    }
    if (Array.isArray(node.required) && node.required.length) out.r = node.required.map(String)
    if (node.items) out.i = strip(node.items, depth + 1)
    const alternatives = node.oneOf ?? node.anyOf ?? node.allOf
    if (Array.isArray(alternatives)) out.of = alternatives.map((v: Json) => strip(v, depth + 1))
    return out
  }

  const schemas: Record<string, ModelSchema> = {}
  for (const name of Object.keys(components).sort()) schemas[name] = strip(components[name])
  return {
    version: String(spec.info.version ?? 'unknown'),
    ...(sha256 ? { sha256 } : {}),
    enums: enums.values,
    texts: texts.values,
    operations,
    schemas
  }
}

/** `{ data: { type: enum [x], id } }` (or an array of them), with `links`/`meta` beside it. */
function relationship(node: Json): ModelSchema | undefined {
  const props = node.properties
  if (!props?.data || Object.keys(props).some((k) => !['data', 'links', 'meta'].includes(k)))
    return undefined
  const many = props.data.type === 'array'
  const linkage = many ? props.data.items : props.data
  const type = linkage?.properties?.type?.enum
  const keys = Object.keys(linkage?.properties ?? {})
  if (keys.length !== 2 || !keys.includes('id') || !Array.isArray(type) || type.length !== 1)
    return undefined
  return many ? { rel: String(type[0]), many: 1 } : { rel: String(type[0]) }
}
