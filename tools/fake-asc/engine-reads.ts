// The read side of the generic JSON:API resource engine: serialising resources with sparse
// fieldsets and includes, filters, sorting and cursor paging, as Apple's API answers lists.
// engine.ts adds dispatch and writes on top of it.
import { AscError, notFound } from './errors.js'
import type { Model, TypeInfo } from './model.js'
import type { Identifier, Resource, Store } from './store.js'
import type { Reply, RequestContext, ResourceHooks } from './types.js'

export const DEFAULT_LIMIT = 50

type HookLookup = (type: string) => ResourceHooks[]

interface Serialized {
  type: string
  id: string
  attributes?: Record<string, unknown>
  relationships?: Record<string, Record<string, unknown>>
  links: { self: string }
}

export class ReadEngine {
  constructor(
    protected readonly model: Model,
    protected readonly store: Store,
    protected readonly hooksFor: HookLookup
  ) {}

  // -------------------------------------------------------------------------------------------
  // Reads

  /** A copy of a stored resource with the read hooks of its type applied. */
  view(r: Resource, ctx: RequestContext): Resource {
    const copy: Resource = structuredClone(r)
    for (const h of this.hooksFor(r.type)) h.read?.(copy, ctx)
    return copy
  }

  protected typeInfo(type: string): TypeInfo | undefined {
    return this.model.types.get(type)
  }

  protected selfUrl(ctx: RequestContext, type: string, id: string): string {
    const version = this.typeInfo(type)?.version ?? 'v1'
    return `${ctx.baseUrl}/${version}/${type}/${encodeURIComponent(id)}`
  }

  protected fieldsFor(ctx: RequestContext, type: string): Set<string> | undefined {
    const f = ctx.query[`fields[${type}]`]
    return f === undefined ? undefined : new Set(f.split(',').map((s) => s.trim()))
  }

  protected serialize(
    v: Resource,
    ctx: RequestContext,
    includedRels: Map<string, Identifier[]>
  ): Serialized {
    const fields = this.fieldsFor(ctx, v.type)
    const attributes: Record<string, unknown> = {}
    for (const [k, val] of Object.entries(v.attributes)) {
      if (!fields || fields.has(k)) attributes[k] = val
    }
    // Apple's member order: type, id, attributes, relationships, links
    const out = { type: v.type, id: v.id, attributes } as Serialized
    const info = this.typeInfo(v.type)
    const names = new Set([...Object.keys(info?.relationships ?? {}), ...includedRels.keys()])
    const relationships: Record<string, Record<string, unknown>> = {}
    for (const rel of names) {
      if (fields && !fields.has(rel) && !includedRels.has(rel)) continue
      const ri = info?.relationships[rel]
      const entry: Record<string, unknown> = {}
      if (ri?.links !== false) {
        entry.links = {
          self: `${this.selfUrl(ctx, v.type, v.id)}/relationships/${rel}`,
          related: `${this.selfUrl(ctx, v.type, v.id)}/${rel}`
        }
      }
      const ids = includedRels.get(rel)
      if (ids) entry.data = ri?.toMany === false ? (ids[0] ?? null) : ids
      if (Object.keys(entry).length) relationships[rel] = entry
    }
    if (Object.keys(relationships).length) out.relationships = relationships
    out.links = { self: this.selfUrl(ctx, v.type, v.id) }
    return out
  }

  /**
   * Serializes primary resources with `include=` applied: the relationship linkage of each
   * included relationship and the related resources in `included`.
   */
  protected document(
    primary: Resource[],
    ctx: RequestContext
  ): { data: Serialized[]; included?: Serialized[] } {
    const include = (ctx.query.include ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    const primaryKeys = new Set(primary.map((r) => `${r.type}/${r.id}`))
    const included = new Map<string, Serialized>()
    const data = primary.map((r) =>
      this.serializeWithIncludes(r, include, ctx, included, primaryKeys)
    )
    const doc: { data: Serialized[]; included?: Serialized[] } = { data }
    if (include.length) doc.included = [...included.values()]
    return doc
  }

  protected serializeWithIncludes(
    v: Resource,
    include: string[],
    ctx: RequestContext,
    included: Map<string, Serialized>,
    primaryKeys: Set<string>
  ): Serialized {
    const byFirst = new Map<string, string[]>()
    for (const path of include) {
      const [first, ...rest] = path.split('.')
      const list = byFirst.get(first) ?? []
      if (rest.length) list.push(rest.join('.'))
      byFirst.set(first, list)
    }
    const rels = new Map<string, Identifier[]>()
    for (const [rel, nested] of byFirst) {
      const target = this.store.relationshipTarget(v.type, rel)
      let ids = this.store.relatedIds(v, rel, target)
      const cap = ctx.query[`limit[${rel}]`]
      if (cap !== undefined && Number(cap) > 0) ids = ids.slice(0, Number(cap))
      rels.set(rel, ids)
      for (const id of ids) {
        const key = `${id.type}/${id.id}`
        const stored = this.store.get(id.type, id.id)
        if (!stored) continue
        if (primaryKeys.has(key) && !nested.length) continue
        if (!included.has(key) || nested.length) {
          included.set(
            key,
            this.serializeWithIncludes(this.view(stored, ctx), nested, ctx, included, primaryKeys)
          )
        }
      }
    }
    return this.serialize(v, ctx, rels)
  }

  // -------------------------------------------------------------------------------------------
  // Filtering, sorting, paging

  protected attrMatches(type: string, name: string, value: unknown, wanted: string[]): boolean {
    if (value === undefined || value === null) return false
    if (Array.isArray(value)) return value.some((x) => this.attrMatches(type, name, x, wanted))
    const kind = this.typeInfo(type)?.attributes[name]
    if (typeof value === 'string' && (kind === 'string' || kind === undefined) && name !== 'id') {
      const lower = value.toLowerCase()
      return wanted.some((w) => lower.includes(w.toLowerCase()))
    }
    return wanted.some((w) => String(value) === w)
  }

  /** Does a resource (a view) match `filter[key]` with any of the values? */
  protected matches(v: Resource, key: string, wanted: string[], ctx: RequestContext): boolean {
    for (const h of this.hooksFor(v.type)) {
      const custom = h.filters?.[key]
      if (custom) return custom(v, wanted, ctx)
    }
    if (key === 'id') return wanted.includes(v.id)
    const dot = key.indexOf('.')
    if (dot > 0) {
      const rel = key.slice(0, dot)
      const rest = key.slice(dot + 1)
      return this.store
        .related(v, rel)
        .some((r) => this.matches(this.view(r, ctx), rest, wanted, ctx))
    }
    const info = this.typeInfo(v.type)
    if (key in v.attributes || info?.attributes[key]) {
      return this.attrMatches(v.type, key, v.attributes[key], wanted)
    }
    if (info?.relationships[key] || v.relationships[key]) {
      return this.store.relatedIds(v, key).some((x) => wanted.includes(x.id))
    }
    return true // a filter the fake knows nothing about is not applied
  }

  protected exists(v: Resource, key: string): boolean {
    if (key in v.attributes) return v.attributes[key] !== null && v.attributes[key] !== undefined
    return this.store.relatedIds(v, key).length > 0
  }

  protected applyQuery(views: Resource[], ctx: RequestContext): Resource[] {
    let out = views
    for (const [name, raw] of Object.entries(ctx.query)) {
      const f = /^filter\[(.+)\]$/.exec(name)
      if (f) {
        const wanted = raw.split(',').map((s) => s.trim())
        out = out.filter((v) => this.matches(v, f[1], wanted, ctx))
        continue
      }
      const e = /^exists\[(.+)\]$/.exec(name)
      if (e) {
        const want = raw === 'true'
        out = out.filter((v) => this.exists(v, e[1]) === want)
      }
    }
    const sort = ctx.query.sort
    if (sort) {
      const keys = sort
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
      const cmp = (a: Resource, b: Resource): number => {
        for (const k of keys) {
          const desc = k.startsWith('-')
          const name = desc ? k.slice(1) : k
          const c = compareValues(this.sortValue(a, name, ctx), this.sortValue(b, name, ctx))
          if (c) return desc ? -c : c
        }
        return 0
      }
      out = [...out].sort(cmp)
    }
    return out
  }

  protected sortValue(v: Resource, name: string, ctx: RequestContext): unknown {
    if (name in v.attributes) return v.attributes[name]
    const dot = name.indexOf('.')
    if (dot > 0) {
      const r = this.store.related(v, name.slice(0, dot))[0]
      return r ? this.sortValue(this.view(r, ctx), name.slice(dot + 1), ctx) : undefined
    }
    const related = this.store.related(v, name)[0]
    if (related) {
      // Apple sorts builds by preReleaseVersion: take the related resource's version-like attribute
      const rv = this.view(related, ctx).attributes
      return rv.version ?? rv.name ?? related.id
    }
    return undefined
  }

  protected page<T>(
    items: T[],
    ctx: RequestContext
  ): { slice: T[]; limit: number; total: number; next?: string; nextCursor?: string } {
    const limit = ctx.query.limit !== undefined ? Number(ctx.query.limit) : DEFAULT_LIMIT
    const offset = decodeCursor(ctx.query.cursor)
    const total = items.length
    const slice = items.slice(offset, offset + limit)
    if (offset + limit < total) {
      const nextCursor = encodeCursor(offset + limit)
      const next = new URL(ctx.url.pathname + ctx.url.search, ctx.baseUrl)
      next.searchParams.set('cursor', nextCursor)
      if (!next.searchParams.has('limit')) next.searchParams.set('limit', String(limit))
      return { slice, limit, total, next: next.toString(), nextCursor }
    }
    return { slice, limit, total }
  }

  protected selfLink(ctx: RequestContext): string {
    return new URL(ctx.url.pathname + ctx.url.search, ctx.baseUrl).toString()
  }

  protected emptyPage(ctx: RequestContext, total: number): Reply {
    const self = this.selfLink(ctx)
    const limit = ctx.query.limit !== undefined ? Number(ctx.query.limit) : DEFAULT_LIMIT
    return {
      status: 200,
      json: { data: [], links: { self, next: self }, meta: { paging: { total, limit } } }
    }
  }

  /** A collection document (filters, sort, paging, include of the request applied). */
  collectionReply(resources: Resource[], ctx: RequestContext): Reply {
    const views = this.applyQuery(
      resources.map((r) => this.view(r, ctx)),
      ctx
    )
    if (ctx.fault?.kind === 'emptyPageWithNext') return this.emptyPage(ctx, views.length)
    const p = this.page(views, ctx)
    const doc: Record<string, unknown> = this.document(p.slice, ctx)
    doc.links = { self: this.selfLink(ctx), ...(p.next ? { next: p.next } : {}) }
    doc.meta = {
      paging: {
        total: p.total,
        limit: p.limit,
        ...(p.nextCursor ? { nextCursor: p.nextCursor } : {})
      }
    }
    return { status: 200, json: doc }
  }

  /** A single-resource document (include of the request applied). */
  singleReply(r: Resource, ctx: RequestContext, status = 200): Reply {
    const doc: Record<string, unknown> = this.document([this.view(r, ctx)], ctx)
    doc.data = (doc.data as Serialized[])[0]
    if (!doc.included) delete doc.included
    doc.links = { self: this.selfLink(ctx) }
    return { status, json: doc }
  }

  mustGet(type: string, id: string | undefined): Resource {
    const r = id === undefined ? undefined : this.store.get(type, id)
    if (!r) throw notFound(type, id ?? '')
    return r
  }
}

export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ offset: String(offset) })).toString('base64url')
}

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0
  try {
    const o = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { offset?: unknown }
    const n = Number(o.offset)
    if (Number.isInteger(n) && n >= 0) return n
  } catch {
    /* fall through */
  }
  throw new AscError(400, 'PARAMETER_ERROR.INVALID', `The cursor '${cursor}' is not valid.`, {
    parameter: 'cursor'
  })
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0
  if (a === undefined || a === null) return 1
  if (b === undefined || b === null) return -1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1
  return collator.compare(String(a), String(b))
}
