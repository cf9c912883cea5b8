// The fake's in-memory resources. Plain objects, Apple's JSON:API shape without links:
// { type, id, attributes, relationships: { name: { data: {type,id} | {type,id}[] | null } } }.
// A relationship is stored on one side only (usually the side that was written); `related()`
// also finds resources of the target type that point back at the owner.
import type { Model } from './model.js'

export interface Identifier {
  type: string
  id: string
}

export interface Linkage {
  data: Identifier | Identifier[] | null
}

export interface Resource {
  type: string
  id: string
  attributes: Record<string, unknown>
  relationships: Record<string, Linkage>
}

/**
 * What seeding code may pass for a relationship: `{ data }` as Apple writes it, a resource or
 * identifier (to-one), an array of them (to-many), or null.
 */
export type RelationshipInput =
  Linkage | Identifier | Resource | (Identifier | Resource)[] | null | undefined

export type RelationshipsInput = Record<string, RelationshipInput>

function ident(x: Identifier): Identifier {
  return { type: x.type, id: x.id }
}

export function toLinkage(input: RelationshipInput): Linkage {
  if (input === null || input === undefined) return { data: null }
  if (Array.isArray(input)) return { data: input.map(ident) }
  if ('data' in input && !('type' in input && 'id' in input)) {
    const d = (input as Linkage).data
    return { data: d === null ? null : Array.isArray(d) ? d.map(ident) : ident(d) }
  }
  return { data: ident(input as Identifier) }
}

export function linkageIds(l: Linkage | undefined): Identifier[] {
  if (!l || l.data === null || l.data === undefined) return []
  return Array.isArray(l.data) ? l.data : [l.data]
}

function hex(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, '0')
}

export class Store {
  private readonly byType = new Map<string, Map<string, Resource>>()
  private counter = 0
  /** set by the fake: lets `related()` know target types of relationships */
  model?: Model

  /** A new id in Apple's style: apps get numeric ids, everything else a UUID. Deterministic. */
  newId(type: string): string {
    const n = ++this.counter
    if (type === 'apps') return String(6400000000 + n)
    if (type === 'users' || type === 'userInvitations' || type === 'betaTesters')
      return `${hex(n, 8)}-0000-4000-8000-${hex(n * 7919, 12)}`.toLowerCase()
    return `${hex(n, 8)}-FA4E-4A5C-8000-${hex(n * 7919, 12)}`
  }

  private table(type: string): Map<string, Resource> {
    let t = this.byType.get(type)
    if (!t) {
      t = new Map()
      this.byType.set(type, t)
    }
    return t
  }

  /** Adds a resource. `id` may be given (seeding); otherwise one is generated. */
  create(
    type: string,
    attributes: Record<string, unknown> = {},
    relationships: RelationshipsInput = {},
    id?: string
  ): Resource {
    const rid = id ?? this.newId(type)
    const table = this.table(type)
    if (table.has(rid)) throw new Error(`store: ${type} ${rid} already exists`)
    const resource: Resource = { type, id: rid, attributes: { ...attributes }, relationships: {} }
    for (const [name, value] of Object.entries(relationships)) {
      if (value !== undefined) resource.relationships[name] = toLinkage(value)
    }
    table.set(rid, resource)
    return resource
  }

  get(type: string, id: string): Resource | undefined {
    return this.byType.get(type)?.get(id)
  }

  /** Like get, but throws when missing (for seeding code and tests). */
  must(type: string, id: string): Resource {
    const r = this.get(type, id)
    if (!r) throw new Error(`store: no ${type} ${id}`)
    return r
  }

  list(type: string, predicate?: (r: Resource) => boolean): Resource[] {
    const all = [...(this.byType.get(type)?.values() ?? [])]
    return predicate ? all.filter(predicate) : all
  }

  /** The first resource of a type whose attributes equal every given value. */
  find(type: string, attributes: Record<string, unknown>): Resource | undefined {
    return this.list(type).find((r) =>
      Object.entries(attributes).every(([k, v]) => r.attributes[k] === v)
    )
  }

  types(): string[] {
    return [...this.byType.keys()].filter((t) => (this.byType.get(t)?.size ?? 0) > 0)
  }

  /**
   * Merges attributes (a value of `undefined` removes one) and replaces the given relationships.
   */
  update(
    type: string,
    id: string,
    changes: { attributes?: Record<string, unknown>; relationships?: RelationshipsInput }
  ): Resource {
    const r = this.must(type, id)
    for (const [k, v] of Object.entries(changes.attributes ?? {})) {
      if (v === undefined) delete r.attributes[k]
      else r.attributes[k] = v
    }
    for (const [k, v] of Object.entries(changes.relationships ?? {})) {
      if (v !== undefined) r.relationships[k] = toLinkage(v)
    }
    return r
  }

  /** Removes a resource and every linkage pointing at it. */
  delete(type: string, id: string): boolean {
    const table = this.byType.get(type)
    if (!table?.delete(id)) return false
    for (const t of this.byType.values()) {
      for (const r of t.values()) {
        for (const [name, l] of Object.entries(r.relationships)) {
          if (Array.isArray(l.data)) {
            l.data = l.data.filter((x) => !(x.type === type && x.id === id))
          } else if (l.data && l.data.type === type && l.data.id === id) {
            r.relationships[name] = { data: null }
          }
        }
      }
    }
    return true
  }

  clear(): void {
    this.byType.clear()
  }

  /** The target type of a relationship, from Apple's document (or from stored linkage). */
  relationshipTarget(type: string, rel: string): string | undefined {
    const fromModel = this.model?.types.get(type)?.relationships[rel]?.target
    if (fromModel) return fromModel
    for (const r of this.list(type)) {
      const first = linkageIds(r.relationships[rel])[0]
      if (first) return first.type
    }
    return undefined
  }

  isToMany(type: string, rel: string): boolean {
    const info = this.model?.types.get(type)?.relationships[rel]
    if (info) return info.toMany
    return this.list(type).some((r) => Array.isArray(r.relationships[rel]?.data))
  }

  /**
   * Identifiers of the resources related to `owner` through `rel`: the owner's stored linkage, plus
   * (to-many, or to-one without stored linkage) resources of the target type whose stored
   * relationships point back at the owner.
   */
  relatedIds(owner: Identifier, rel: string, target?: string): Identifier[] {
    const o = this.get(owner.type, owner.id)
    if (!o) return []
    const stored = o.relationships[rel]
    const ids = linkageIds(stored).filter((x) => this.get(x.type, x.id))
    const toMany = this.isToMany(owner.type, rel)
    if (!toMany && stored && stored.data !== null) return ids.slice(0, 1)
    const t = target ?? this.relationshipTarget(owner.type, rel)
    if (!t) return ids
    const seen = new Set(ids.map((x) => `${x.type}/${x.id}`))
    for (const r of this.list(t)) {
      if (seen.has(`${r.type}/${r.id}`)) continue
      const points = Object.values(r.relationships).some((l) =>
        linkageIds(l).some((x) => x.type === owner.type && x.id === owner.id)
      )
      if (points) {
        ids.push({ type: r.type, id: r.id })
        seen.add(`${r.type}/${r.id}`)
        if (!toMany) break
      }
    }
    return ids
  }

  /** The related resources themselves (see relatedIds). */
  related(owner: Identifier, rel: string, target?: string): Resource[] {
    return this.relatedIds(owner, rel, target)
      .map((x) => this.get(x.type, x.id))
      .filter((r): r is Resource => Boolean(r))
  }

  /** Adds targets to a to-many relationship of the owner (stored on the owner). */
  link(owner: Identifier, rel: string, targets: Identifier | Identifier[]): void {
    const o = this.must(owner.type, owner.id)
    const list = Array.isArray(targets) ? targets : [targets]
    if (!this.isToMany(owner.type, rel) && !Array.isArray(targets)) {
      o.relationships[rel] = { data: ident(list[0]) }
      return
    }
    const current = linkageIds(o.relationships[rel])
    const keys = new Set(current.map((x) => `${x.type}/${x.id}`))
    for (const t of list) {
      if (!keys.has(`${t.type}/${t.id}`)) {
        current.push(ident(t))
        keys.add(`${t.type}/${t.id}`)
      }
    }
    o.relationships[rel] = { data: current }
  }

  /** Removes targets from a relationship, whichever side stores the linkage. */
  unlink(owner: Identifier, rel: string, targets: Identifier | Identifier[]): void {
    const o = this.must(owner.type, owner.id)
    const list = Array.isArray(targets) ? targets : [targets]
    const drop = new Set(list.map((x) => `${x.type}/${x.id}`))
    const l = o.relationships[rel]
    if (l) {
      if (Array.isArray(l.data)) l.data = l.data.filter((x) => !drop.has(`${x.type}/${x.id}`))
      else if (l.data && drop.has(`${l.data.type}/${l.data.id}`)) l.data = null
    }
    for (const t of list) {
      const r = this.get(t.type, t.id)
      if (!r) continue
      for (const [name, tl] of Object.entries(r.relationships)) {
        if (Array.isArray(tl.data)) {
          tl.data = tl.data.filter((x) => !(x.type === owner.type && x.id === owner.id))
        } else if (tl.data && tl.data.type === owner.type && tl.data.id === owner.id) {
          r.relationships[name] = { data: null }
        }
      }
    }
  }

  /** Replaces a relationship: to-one with one identifier or null, to-many with a list. */
  replace(owner: Identifier, rel: string, targets: Identifier | Identifier[] | null): void {
    const o = this.must(owner.type, owner.id)
    const current = this.relatedIds(owner, rel)
    const keep = new Set(
      (targets === null ? [] : Array.isArray(targets) ? targets : [targets]).map(
        (x) => `${x.type}/${x.id}`
      )
    )
    const gone = current.filter((x) => !keep.has(`${x.type}/${x.id}`))
    if (gone.length) this.unlink(owner, rel, gone)
    o.relationships[rel] = {
      data: targets === null ? null : Array.isArray(targets) ? targets.map(ident) : ident(targets)
    }
  }
}
