// The generic JSON:API resource engine: answers most of Apple's operations from the in-memory store,
// using the resource model read from Apple's document (relationship targets, attribute kinds,
// success statuses). Domains change its behaviour through ResourceHooks.
import { AscError, notFound } from './errors.js'
import { DEFAULT_LIMIT, ReadEngine } from './engine-reads.js'
import { linkageIds, type Identifier, type Linkage, type Resource } from './store.js'
import type { CreateInput, Reply, RequestContext, UpdateInput } from './types.js'

export { decodeCursor, encodeCursor } from './engine-reads.js'

export class Engine extends ReadEngine {
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
