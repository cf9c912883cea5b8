// Types shared by the fake's server, engine and domains.
import type { IncomingHttpHeaders } from 'node:http'
import type { OpInfo, Model } from './model.js'
import type { Store, Resource, Identifier, Linkage } from './store.js'
import type { TestKey } from './auth.js'
import type { Fault } from './faults.js'

export interface RecordedRequest {
  method: string
  /** path without the query */
  path: string
  query: Record<string, string>
  headers: IncomingHttpHeaders
  /** parsed JSON body; undefined when there was none or it was not JSON */
  body: unknown
  /** size of the raw body in bytes */
  bodyBytes: number
  /** status answered; 0 when the connection was reset or the answer dropped */
  status: number
  authorized: boolean
  hasAuthorizationHeader: boolean
  keyId?: string
  /** `GET /v1/apps/{id}` when the path is an operation of Apple's document */
  operation?: string
  /** true for paths of the API (/v1, /v2, …); false for upload URLs and other custom routes */
  api: boolean
  /** the fault applied, if any */
  fault?: Fault['kind']
  /** ms since the epoch (the fake's clock) when it arrived */
  time: number
}

export interface Reply {
  status: number
  /** serialized as JSON with content-type application/json */
  json?: unknown
  /** raw body (gzip bytes, CSV, …) */
  body?: Buffer | string
  headers?: Record<string, string>
}

export interface RequestContext {
  method: string
  path: string
  /** the path template of Apple's operation, when the path is one */
  template?: string
  pathParams: Record<string, string>
  query: Record<string, string>
  /** all values of each query parameter (for repeated ones) */
  queryAll: Record<string, string[]>
  headers: IncomingHttpHeaders
  /** parsed JSON body (undefined when absent or not JSON) */
  body: unknown
  rawBody: Buffer
  /** the key whose token authorized the request (API paths) */
  key?: TestKey
  /** what the document says about this operation */
  info?: OpInfo
  store: Store
  model: Model
  /** the fake's clock, ms */
  now: number
  /** http://127.0.0.1:port */
  baseUrl: string
  /** full URL of the request */
  url: URL
  /** the fault matched for this request, if any (engine honours emptyPageWithNext) */
  fault?: Fault
  /** the fake itself (domain state: `ctx.fake.state[name]`) */
  fake: FakeAscHandle
}

/** Hooks a domain attaches to one resource type. Throw an AscError to refuse with Apple's document. */
export interface ResourceHooks {
  /** computed attributes on every read (primary data and included); mutate `view` (a copy) */
  read?(view: Resource, ctx: RequestContext): void
  /** before a POST creates: may mutate `input`, or throw AscError (409 ENTITY_ERROR / STATE_ERROR) */
  beforeCreate?(input: CreateInput, ctx: RequestContext): void
  /** after it was stored (side effects: create related resources, schedule state changes, …) */
  afterCreate?(resource: Resource, ctx: RequestContext): void
  /** before a PATCH applies: may mutate `changes` or throw */
  beforeUpdate?(resource: Resource, changes: UpdateInput, ctx: RequestContext): void
  afterUpdate?(resource: Resource, ctx: RequestContext): void
  beforeDelete?(resource: Resource, ctx: RequestContext): void
  afterDelete?(resource: Resource, ctx: RequestContext): void
  /** POST/DELETE/PATCH on /relationships/{rel} of a resource of this type */
  beforeRelationshipChange?(
    owner: Resource,
    rel: string,
    action: 'add' | 'remove' | 'replace',
    targets: Identifier[] | null,
    ctx: RequestContext
  ): void
  afterRelationshipChange?(
    owner: Resource,
    rel: string,
    action: 'add' | 'remove' | 'replace',
    targets: Identifier[] | null,
    ctx: RequestContext
  ): void
  /**
   * Custom `filter[name]` semantics for collections of this type: return whether the resource
   * matches any of `values`. Replaces the generic attribute / relationship matching for that name.
   */
  filters?: Record<string, (view: Resource, values: string[], ctx: RequestContext) => boolean>
}

export interface CreateInput {
  type: string
  attributes: Record<string, unknown>
  relationships: Record<string, Linkage>
  /** set to choose the id of the new resource */
  id?: string
}

export interface UpdateInput {
  attributes: Record<string, unknown>
  relationships: Record<string, Linkage>
}

export interface Route {
  method: string | string[]
  /** a template (`/v1/salesReports`, `/upload/{id}`) or a RegExp tested on the path */
  path: string | RegExp
  /**
   * API route (auth, rate limit, OpenAPI validation, recorded as an API request)? Default: true
   * when the path starts with /v<digits>/.
   */
  api?: boolean
  /** run the OpenAPI validation before the route (API routes; default true) */
  validate?: boolean
  /** return undefined to let the next route or the generic engine answer */
  handle(ctx: RequestContext): Reply | undefined | Promise<Reply | undefined>
}

/**
 * A domain plugs behaviour into the fake: hooks per resource type, custom routes, and a setup
 * function run once when the fake starts (or when the domain is registered later).
 */
export interface Domain {
  name: string
  resources?: Record<string, ResourceHooks>
  routes?: Route[]
  setup?(fake: FakeAscHandle): void
}

/** The part of the fake a domain's setup sees (the full FakeAsc). */
export interface FakeAscHandle {
  url: string
  store: Store
  model: Model
  now(): number
  /** domain-specific state, by domain name */
  state: Record<string, unknown>
  requests: RecordedRequest[]
  violations: string[]
  /** Apple's document for one resource (read hooks and `include=` applied), for custom routes */
  resourceReply(ctx: RequestContext, resource: Resource, status?: number): Reply
  /** Apple's collection document (filters, sort, paging, include applied), for custom routes */
  collectionReply(ctx: RequestContext, resources: Resource[]): Reply
}

export type { Resource, Identifier, Linkage }
