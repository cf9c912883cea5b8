// The generic JSON:API resource engine: answers most of Apple's operations from the in-memory store,
// using the resource model read from Apple's document (relationship targets, attribute kinds,
// success statuses). Domains change its behaviour through ResourceHooks.
import { AscError, notFound } from './errors.js'
import type { Model, TypeInfo } from './model.js'
import { linkageIds, type Identifier, type Linkage, type Resource, type Store } from './store.js'
import type { CreateInput, Reply, RequestContext, ResourceHooks, UpdateInput } from './types.js'

const DEFAULT_LIMIT = 50

type HookLookup = (type: string) => ResourceHooks[]

interface Serialized {
  type: string
  id: string
  attributes?: Record<string, unknown>
  relationships?: Record<string, Record<string, unknown>>
  links: { self: string }
}

export class Engine {
  constructor(
    private readonly model: Model,
    private readonly store: Store,
    private readonly hooksFor: HookLookup
  ) {}

  // -------------------------------------------------------------------------------------------
  // Reads

  /** A copy of a stored resource with the read hooks of its type applied. */
  view(r: Resource, ctx: RequestContext): Resource {
    const copy: Resource = structuredClone(r)
    for (const h of this.hooksFor(r.type)) h.read?.(copy, ctx)
    return copy
  }

  private typeInfo(type: string): TypeInfo | undefined {
    return this.model.types.get(type)
  }

  private selfUrl(ctx: RequestContext, type: string, id: string): string {
    const version = this.typeInfo(type)?.version ?? 'v1'
    return `${ctx.baseUrl}/${version}/${type}/${encodeURIComponent(id)}`
  }

  private fieldsFor(ctx: RequestContext, type: string): Set<string> | undefined {
    const f = ctx.query[`fields[${type}]`]
    return f === undefined ? undefined : new Set(f.split(',').map((s) => s.trim()))
  }

  private serialize(
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
  private document(
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

  private serializeWithIncludes(
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

  private attrMatches(type: string, name: string, value: unknown, wanted: string[]): boolean {
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
  private matches(v: Resource, key: string, wanted: string[], ctx: RequestContext): boolean {
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

  private exists(v: Resource, key: string): boolean {
    if (key in v.attributes) return v.attributes[key] !== null && v.attributes[key] !== undefined
    return this.store.relatedIds(v, key).length > 0
  }

  private applyQuery(views: Resource[], ctx: RequestContext): Resource[] {
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

  private sortValue(v: Resource, name: string, ctx: RequestContext): unknown {
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

  private page<T>(
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

  private selfLink(ctx: RequestContext): string {
    return new URL(ctx.url.pathname + ctx.url.search, ctx.baseUrl).toString()
  }

  private emptyPage(ctx: RequestContext, total: number): Reply {
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

  // -------------------------------------------------------------------------------------------
  // Dispatch

  handle(ctx: RequestContext): Reply {
    const info = ctx.info
    if (!info) throw notFound('')
    const m = ctx.method
    const id = ctx.pathParams.id
    switch (info.kind) {
      case 'collection':
        if (m === 'GET') return this.collectionReply(this.store.list(info.type), ctx)
        if (m === 'POST') return this.create(ctx)
        break
      case 'instance': {
        const r = this.mustGet(info.type, id)
        if (m === 'GET') return this.singleReply(r, ctx)
        if (m === 'PATCH') return this.update(r, ctx)
        if (m === 'DELETE') return this.remove(r, ctx)
        break
      }
      case 'related': {
        const owner = this.mustGet(info.type, id)
        const related = this.store.related(owner, info.rel!, info.target)
        if (info.toMany) return this.collectionReply(related, ctx)
        if (!related[0])
          return { status: 200, json: { data: null, links: { self: this.selfLink(ctx) } } }
        return this.singleReply(related[0], ctx)
      }
      case 'relationship':
        return this.relationship(ctx)
      case 'metrics': {
        this.mustGet(info.type, id)
        return {
          status: 200,
          json: {
            data: [],
            links: { self: this.selfLink(ctx) },
            meta: { paging: { total: 0, limit: DEFAULT_LIMIT } }
          }
        }
      }
      default: {
        if (id !== undefined) this.mustGet(info.type, id)
        const ct = info.op.r && info.op.r !== 'none' ? info.op.r : 'application/json'
        return {
          status: info.status,
          body: ct.includes('json') ? '{}' : '',
          headers: { 'content-type': ct }
        }
      }
    }
    throw new AscError(405, 'METHOD_NOT_ALLOWED', `The resource does not allow ${m}.`)
  }

  mustGet(type: string, id: string | undefined): Resource {
    const r = id === undefined ? undefined : this.store.get(type, id)
    if (!r) throw notFound(type, id ?? '')
    return r
  }

  // -------------------------------------------------------------------------------------------
  // Writes

  private dataOf(ctx: RequestContext): Record<string, unknown> {
    const body = ctx.body as { data?: unknown } | undefined
    const data = body?.data
    if (!data || typeof data !== 'object' || Array.isArray(data)) {
      throw new AscError(409, 'ENTITY_ERROR', 'The request body has no data object.', {
        pointer: '/data'
      })
    }
    return data as Record<string, unknown>
  }

  /** Checks that every resource a relationship refers to exists. */
  private checkTargets(
    relationships: Record<string, Linkage>,
    ctx: RequestContext,
    localIds: Set<string>
  ): void {
    for (const [rel, l] of Object.entries(relationships)) {
      const ids = linkageIds(l)
      ids.forEach((x, i) => {
        if (localIds.has(`${x.type}/${x.id}`)) return
        if (!this.store.get(x.type, x.id)) {
          throw new AscError(
            409,
            'ENTITY_ERROR.RELATIONSHIP.INVALID',
            `There is no resource of type '${x.type}' with id '${x.id}'.`,
            { pointer: `/data/relationships/${rel}/data${Array.isArray(l.data) ? `/${i}` : ''}` }
          )
        }
      })
    }
  }

  private relationshipsOf(data: Record<string, unknown>): Record<string, Linkage> {
    const out: Record<string, Linkage> = {}
    const rels = (data.relationships ?? {}) as Record<string, { data?: unknown }>
    for (const [k, v] of Object.entries(rels)) {
      if (v && typeof v === 'object' && 'data' in v) {
        const d = v.data as Identifier | Identifier[] | null
        out[k] = {
          data:
            d === null
              ? null
              : Array.isArray(d)
                ? d.map((x) => ({ type: x.type, id: x.id }))
                : { type: d.type, id: d.id }
        }
      }
    }
    return out
  }

  private create(ctx: RequestContext): Reply {
    const info = ctx.info!
    const data = this.dataOf(ctx)
    if (data.type !== info.type) {
      throw new AscError(
        409,
        'ENTITY_ERROR.ATTRIBUTE.INVALID',
        `The type must be '${info.type}'.`,
        {
          pointer: '/data/type'
        }
      )
    }
    const input: CreateInput = {
      type: info.type,
      attributes: { ...((data.attributes as Record<string, unknown>) ?? {}) },
      relationships: this.relationshipsOf(data)
    }
    const included = (
      (ctx.body as { included?: { type: string; id: string }[] }).included ?? []
    ).map((x) => `${x.type}/${x.id}`)
    this.checkTargets(input.relationships, ctx, new Set(included))
    for (const h of this.hooksFor(info.type)) h.beforeCreate?.(input, ctx)
    const r = this.store.create(input.type, input.attributes, input.relationships, input.id)
    for (const h of this.hooksFor(info.type)) h.afterCreate?.(r, ctx)
    const reply = this.singleReply(r, ctx, info.status === 204 ? 201 : info.status)
    ;(reply.json as { links: { self: string } }).links = { self: this.selfUrl(ctx, r.type, r.id) }
    return reply
  }

  private update(r: Resource, ctx: RequestContext): Reply {
    const data = this.dataOf(ctx)
    if (data.id !== r.id) {
      throw new AscError(
        409,
        'ENTITY_ERROR.ATTRIBUTE.INVALID',
        `The id in the body ('${String(data.id)}') does not match the id in the URL ('${r.id}').`,
        { pointer: '/data/id' }
      )
    }
    if (data.type !== r.type) {
      throw new AscError(409, 'ENTITY_ERROR.ATTRIBUTE.INVALID', `The type must be '${r.type}'.`, {
        pointer: '/data/type'
      })
    }
    const changes: UpdateInput = {
      attributes: { ...((data.attributes as Record<string, unknown>) ?? {}) },
      relationships: this.relationshipsOf(data)
    }
    this.checkTargets(changes.relationships, ctx, new Set())
    for (const h of this.hooksFor(r.type)) h.beforeUpdate?.(r, changes, ctx)
    this.store.update(r.type, r.id, { attributes: changes.attributes })
    for (const [rel, l] of Object.entries(changes.relationships)) this.store.replace(r, rel, l.data)
    for (const h of this.hooksFor(r.type)) h.afterUpdate?.(r, ctx)
    return this.singleReply(r, ctx, ctx.info!.status === 204 ? 200 : ctx.info!.status)
  }

  private remove(r: Resource, ctx: RequestContext): Reply {
    for (const h of this.hooksFor(r.type)) h.beforeDelete?.(r, ctx)
    this.store.delete(r.type, r.id)
    for (const h of this.hooksFor(r.type)) h.afterDelete?.(r, ctx)
    return { status: ctx.info!.status }
  }

  private relationship(ctx: RequestContext): Reply {
    const info = ctx.info!
    const rel = info.rel!
    const owner = this.mustGet(info.type, ctx.pathParams.id)
    const selfBase = `${this.selfUrl(ctx, owner.type, owner.id)}`
    if (ctx.method === 'GET') {
      const ids = this.store.relatedIds(owner, rel, info.target)
      const links = { self: this.selfLink(ctx), related: `${selfBase}/${rel}` }
      if (!info.toMany) return { status: 200, json: { data: ids[0] ?? null, links } }
      if (ctx.fault?.kind === 'emptyPageWithNext') return this.emptyPage(ctx, ids.length)
      const p = this.page(ids, ctx)
      return {
        status: 200,
        json: {
          data: p.slice,
          links: { ...links, ...(p.next ? { next: p.next } : {}) },
          meta: {
            paging: {
              total: p.total,
              limit: p.limit,
              ...(p.nextCursor ? { nextCursor: p.nextCursor } : {})
            }
          }
        }
      }
    }
    const body = ctx.body as { data?: unknown } | undefined
    const raw = body?.data
    const targets: Identifier[] | null =
      raw === null || raw === undefined
        ? null
        : (Array.isArray(raw) ? raw : [raw]).map((x: Identifier) => ({ type: x.type, id: x.id }))
    ;(targets ?? []).forEach((x, i) => {
      if (!this.store.get(x.type, x.id)) {
        throw new AscError(
          409,
          'ENTITY_ERROR.RELATIONSHIP.INVALID',
          `There is no resource of type '${x.type}' with id '${x.id}'.`,
          { pointer: Array.isArray(raw) ? `/data/${i}` : '/data' }
        )
      }
    })
    const action = ctx.method === 'POST' ? 'add' : ctx.method === 'DELETE' ? 'remove' : 'replace'
    for (const h of this.hooksFor(owner.type))
      h.beforeRelationshipChange?.(owner, rel, action, targets, ctx)
    if (action === 'add') this.store.link(owner, rel, targets ?? [])
    else if (action === 'remove') this.store.unlink(owner, rel, targets ?? [])
    else
      this.store.replace(owner, rel, Array.isArray(raw) ? (targets ?? []) : (targets?.[0] ?? null))
    for (const h of this.hooksFor(owner.type))
      h.afterRelationshipChange?.(owner, rel, action, targets, ctx)
    return { status: info.status === 200 ? 204 : info.status }
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
