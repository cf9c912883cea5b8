// What the fake knows about App Store Connect, read from Apple's OpenAPI document
// (openapi/openapi.oas.json): the operation index and request schemas used for validation, and a
// resource model (attributes and relationships of every resource type, and what each path does)
// used by the generic resource engine. Loaded once per process, lazily.
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type {
  IndexedOperation,
  JsonSchema,
  OperationIndex,
  SchemaMap
} from '../../src/shared/asc/openapi/validate.js'

export type AttrKind = 'string' | 'enum' | 'boolean' | 'number' | 'date' | 'array' | 'object'

export interface RelInfo {
  /** resource type of the other side */
  target?: string
  toMany: boolean
  /** the resource schema gives this relationship `links` */
  links: boolean
}

export interface TypeInfo {
  type: string
  schemas: string[]
  attributes: Record<string, AttrKind>
  relationships: Record<string, RelInfo>
  /** API version prefix used for links: `v1`, `v2`, … */
  version: string
}

export type OpKind = 'collection' | 'instance' | 'related' | 'relationship' | 'metrics' | 'other'

export interface OpInfo {
  op: IndexedOperation
  /** success status from the document */
  status: number
  kind: OpKind
  /** resource type from the path (`builds` in `/v1/builds/{id}/app`) */
  type: string
  rel?: string
  /** resource type of the related resources (related and relationship operations) */
  target?: string
  toMany?: boolean
  /** JSON response schema name */
  response?: string
}

export interface Model {
  version: string
  index: OperationIndex
  schemas: SchemaMap
  ops: Map<string, OpInfo>
  types: Map<string, TypeInfo>
}

const here = dirname(fileURLToPath(import.meta.url))
export const repoRoot = resolve(here, '..', '..')
export const specPath = join(repoRoot, 'openapi', 'openapi.oas.json')

let cached: Promise<Model> | undefined

/** The model, built once per process from Apple's document. */
export function loadModel(): Promise<Model> {
  cached ??= build()
  return cached
}

type BuildIndex = (spec: unknown) => { index: OperationIndex; schemas: SchemaMap }

/* eslint-disable @typescript-eslint/no-explicit-any */
async function build(): Promise<Model> {
  const spec = JSON.parse(readFileSync(specPath, 'utf8'))
  const indexModule = join(repoRoot, 'scripts', 'openapi-index.mjs')
  const { buildIndex } = (await import(indexModule)) as { buildIndex: BuildIndex }
  const { index, schemas } = buildIndex(spec)
  const components: Record<string, any> = spec.components.schemas

  const deref = (node: any): any => {
    let n = node
    let guard = 0
    while (n && n.$ref && guard++ < 50) n = components[String(n.$ref).split('/').pop()!]
    return n
  }
  const refName = (node: any): string | undefined =>
    node && node.$ref ? String(node.$ref).split('/').pop() : undefined
  const typeEnum = (node: any): string | undefined => {
    const t = deref(deref(node)?.properties?.type)
    return Array.isArray(t?.enum) ? t.enum[0] : undefined
  }

  // Resource schemas: whatever a response's `data` (or `included`) refers to.
  const resourceSchemas = new Set<string>()
  const ops = new Map<string, OpInfo>()
  for (const op of index.operations) {
    const item = spec.paths[op.p]
    const raw = item[op.m.toLowerCase()]
    const codes = Object.keys(raw.responses ?? {}).filter((c) => /^2/.test(c))
    const status = Number(codes.includes('204') ? '204' : (codes[0] ?? '200'))
    const ok = codes[0] ? raw.responses[codes[0]] : undefined
    const responseRef = ok?.content?.['application/json']?.schema
    const response = refName(responseRef)
    const responseSchema = deref(responseRef)
    const dataSchema = deref(responseSchema?.properties?.data)
    const itemSchema =
      dataSchema?.type === 'array' ? dataSchema.items : responseSchema?.properties?.data
    const itemRef = refName(itemSchema)
    if (itemRef && typeEnum(itemSchema)) resourceSchemas.add(itemRef)
    for (const inc of deref(deref(responseSchema?.properties?.included)?.items)?.oneOf ?? []) {
      const r = refName(inc)
      if (r) resourceSchemas.add(r)
    }

    const segs = op.p.split('/').filter(Boolean)
    const info: OpInfo = { op, status, kind: 'other', type: segs[1], response }
    if (segs.length === 2) info.kind = 'collection'
    else if (segs.length === 3) info.kind = 'instance'
    else if (segs.length === 4) {
      info.kind = 'related'
      info.rel = segs[3]
    } else if (segs.length === 5 && segs[3] === 'relationships') {
      info.kind = 'relationship'
      info.rel = segs[4]
    } else if (segs.length === 5 && segs[3] === 'metrics') info.kind = 'metrics'
    if (info.kind === 'related' || info.kind === 'relationship') {
      if (dataSchema) {
        info.toMany = dataSchema.type === 'array'
        info.target = typeEnum(info.toMany ? dataSchema.items : dataSchema)
      } else if (op.b && components[op.b]) {
        const bodyData = deref(deref(components[op.b])?.properties?.data)
        if (bodyData) {
          info.toMany = bodyData.type === 'array'
          info.target = typeEnum(info.toMany ? bodyData.items : bodyData)
        }
      }
      if (info.kind === 'related' && !info.target) info.kind = 'other'
    }
    ops.set(`${op.m} ${op.p}`, info)
  }

  const types = new Map<string, TypeInfo>()
  const ensureType = (type: string): TypeInfo => {
    let t = types.get(type)
    if (!t) {
      t = { type, schemas: [], attributes: {}, relationships: {}, version: 'v1' }
      types.set(type, t)
    }
    return t
  }
  for (const name of [...resourceSchemas].sort()) {
    const schema = components[name]
    const type = typeEnum(schema)
    if (!type) continue
    const t = ensureType(type)
    t.schemas.push(name)
    for (const [attr, def] of Object.entries<any>(
      deref(schema.properties?.attributes)?.properties ?? {}
    )) {
      t.attributes[attr] ??= attrKind(deref(def))
    }
    for (const [rel, def] of Object.entries<any>(
      deref(schema.properties?.relationships)?.properties ?? {}
    )) {
      const d = deref(def)
      const data = deref(d?.properties?.data)
      const existing = t.relationships[rel]
      const info: RelInfo = existing ?? {
        toMany: data ? data.type === 'array' : Boolean(d?.properties?.meta),
        links: Boolean(d?.properties?.links)
      }
      if (data && !info.target) info.target = typeEnum(data.type === 'array' ? data.items : data)
      info.links ||= Boolean(d?.properties?.links)
      t.relationships[rel] = info
    }
  }
  // Relationships known only from their paths; and the version used for links.
  for (const info of ops.values()) {
    if (info.kind === 'instance' && info.op.m === 'GET') {
      const t = ensureType(info.type)
      const v = info.op.p.split('/')[1]
      if (t.version === 'v1' && !ops.has(`GET /v1/${info.type}/{id}`)) t.version = v
    }
    if ((info.kind === 'related' || info.kind === 'relationship') && info.rel && info.target) {
      const t = ensureType(info.type)
      const r = t.relationships[info.rel]
      if (!r)
        t.relationships[info.rel] = {
          target: info.target,
          toMany: Boolean(info.toMany),
          links: true
        }
      else if (!r.target) {
        r.target = info.target
        r.toMany = Boolean(info.toMany)
      }
    }
  }
  return { version: index.version, index, schemas, ops, types }
}

function attrKind(def: any): AttrKind {
  if (!def) return 'string'
  if (Array.isArray(def.enum)) return 'enum'
  switch (def.type) {
    case 'boolean':
      return 'boolean'
    case 'integer':
    case 'number':
      return 'number'
    case 'array':
      return 'array'
    case 'object':
      return 'object'
    case 'string':
      return def.format === 'date' || def.format === 'date-time' ? 'date' : 'string'
    default:
      return 'string'
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export type { JsonSchema }
