/** JSON:API shapes shared by every App Store Connect response (Apple's `Document` schemas). */
export interface Linkage {
  type: string
  id: string
}

export interface Relationship {
  data?: Linkage | Linkage[] | null
  links?: { self?: string; related?: string }
  meta?: { paging?: Paging }
}

export interface Resource<A = Record<string, unknown>> {
  type: string
  id: string
  attributes?: A
  relationships?: Record<string, Relationship>
  links?: { self?: string }
}

export interface Paging {
  total?: number
  limit?: number
  nextCursor?: string
}

export interface Document<D = Resource | Resource[]> {
  data: D
  included?: Resource[]
  links?: { self?: string; next?: string; first?: string }
  meta?: { paging?: Paging }
}

/** Query values: lists are sent comma-separated, `undefined` is left out. */
export type Query = Record<string, string | number | boolean | readonly string[] | undefined>

/** The id of a to-one relationship's linkage, if the response carried it. */
export function relatedId(resource: Resource, relationship: string): string | undefined {
  const data = resource.relationships?.[relationship]?.data
  return data && !Array.isArray(data) ? data.id : undefined
}

/** The ids of a to-many relationship's linkage, if the response carried it. */
export function relatedIds(resource: Resource, relationship: string): string[] {
  const data = resource.relationships?.[relationship]?.data
  return Array.isArray(data) ? data.map((d) => d.id) : data ? [data.id] : []
}

/** Index of `included` resources by `type/id`. */
export function indexIncluded(included: Resource[] = []): Map<string, Resource> {
  return new Map(included.map((r) => [`${r.type}/${r.id}`, r]))
}
