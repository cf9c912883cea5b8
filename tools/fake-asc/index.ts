// A fake App Store Connect: a real HTTP server on 127.0.0.1, stateful and in memory, that checks
// tokens like Apple, validates every request against Apple's OpenAPI document, answers in Apple's
// JSON:API shape from a generic resource engine, and injects faults on demand.
//
//   const fake = await startFakeAsc()
//   fake.store.create('apps', { name: 'Demo', bundleId: 'com.example.demo', sku: 'DEMO' })
//   ... run the client against fake.url with fake.keys.team ...
//   expect(fake.violations).toEqual([])
//   await fake.close()
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { matchPath } from '../../src/shared/asc/openapi/paths.js'
import {
  generateTestKey,
  scopeAllows,
  signToken,
  verifyToken,
  type AddKeyOptions,
  type AuthResult,
  type TestKey
} from './auth.js'
import { defaultDomains } from './domains/index.js'
import { Engine } from './engine.js'
import { validateRequest } from './validation.js'
import {
  CHANGING,
  compileRoute,
  faultReply,
  isJson,
  PROVISIONING_TYPES,
  send,
  type CompiledRoute
} from './http.js'
import { AscError, errorDocument, errorItem } from './errors.js'
import { Faults } from './faults.js'
import { loadModel, type Model } from './model.js'
import { Store, type Resource } from './store.js'
import type {
  Domain,
  FakeAscHandle,
  RecordedRequest,
  Reply,
  RequestContext,
  ResourceHooks
} from './types.js'

export interface FakeAscOptions {
  /** added to every response, ms */
  latencyMs?: number
  /** validate each request against openapi/openapi.oas.json (default true) */
  validate?: boolean
  /** clock for JWT checks and domains (ms since the epoch) */
  now?: () => number
  /** hourly request quota reported in X-Rate-Limit (default 3600); 429 once it is used up */
  rateLimit?: number
  /** domains to register (default: every domain in domains/index.ts) */
  domains?: Domain[]
  /** port (default: any free port) */
  port?: number
  /** log each request to stderr */
  log?: boolean
}

export class FakeAsc implements FakeAscHandle {
  url = ''
  readonly keys: { team: TestKey; individual: TestKey }
  readonly store = new Store()
  readonly requests: RecordedRequest[] = []
  readonly violations: string[] = []
  readonly faults = new Faults()
  /** the X-Rate-Limit quota: lower `remaining` to make a client see it run low */
  readonly rateLimit: { limit: number; remaining: number }
  /** domain-specific state, by domain name */
  readonly state: Record<string, unknown> = {}
  latencyMs: number
  validate: boolean
  now: () => number
  log: boolean
  readonly model: Model

  private readonly keyMap = new Map<string, TestKey>()
  private readonly hooks = new Map<string, ResourceHooks[]>()
  private readonly routes: CompiledRoute[] = []
  private readonly domains: Domain[] = []
  private readonly engine: Engine
  private readonly server: Server
  private readonly sockets = new Set<Socket>()
  private readonly seenTokens = new Set<string>()
  private readonly revokedTokens = new Set<string>()
  private readonly verified = new Map<string, Extract<AuthResult, { ok: true }>>()
  private readonly timers = new Set<NodeJS.Timeout>()

  constructor(model: Model, opts: FakeAscOptions) {
    this.model = model
    this.store.model = model
    this.latencyMs = opts.latencyMs ?? 0
    this.validate = opts.validate ?? true
    this.now = opts.now ?? Date.now
    this.log = opts.log ?? false
    const limit = opts.rateLimit ?? 3600
    this.rateLimit = { limit, remaining: limit }
    this.keys = {
      team: this.addKey({ name: 'team' }),
      individual: this.addKey({ individual: true, name: 'individual' })
    }
    this.engine = new Engine(model, this.store, (type) => this.hooks.get(type) ?? [])
    this.server = createServer((req, res) => {
      this.onRequest(req, res).catch((e: unknown) => {
        this.violations.push(`fake-asc internal error: ${(e as Error).stack ?? String(e)}`)
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' })
          res.end(JSON.stringify(errorDocument([errorItem(500, 'UNEXPECTED_ERROR', String(e))])))
        } else res.destroy()
      })
    })
    this.server.keepAliveTimeout = 5000
    this.server.on('connection', (s) => {
      this.sockets.add(s)
      s.on('close', () => this.sockets.delete(s))
    })
  }

  /** @internal */
  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject)
        resolve()
      })
    })
    const addr = this.server.address() as AddressInfo
    this.url = `http://127.0.0.1:${addr.port}`
  }

  /** Adds an API key (a key with a restricted role: `readOnly`, or `forbid`). */
  addKey(opts: AddKeyOptions = {}): TestKey {
    const key = generateTestKey(opts)
    this.keyMap.set(key.keyId, key)
    return key
  }

  /** Removes a key: its tokens are refused from now on (401). */
  removeKey(key: TestKey): void {
    this.keyMap.delete(key.keyId)
  }

  /** Signs a token for a key (default: the team key) the way a correct client does. */
  token(
    key: TestKey = this.keys.team,
    overrides: Parameters<typeof signToken>[1] = {}
  ): Promise<string> {
    return signToken(key, overrides, this.now())
  }

  /** Every token used so far becomes invalid (401 NOT_AUTHORIZED): the client must sign anew. */
  revokeTokens(): void {
    for (const t of this.seenTokens) this.revokedTokens.add(t)
  }

  /** POST/PATCH/PUT/DELETE requests to the API (not upload parts or other custom routes). */
  changingRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.api && CHANGING.has(r.method))
  }

  /** API requests (optionally only those of one method and path or template). */
  apiRequests(method?: string, path?: string): RecordedRequest[] {
    return this.requests.filter(
      (r) =>
        r.api &&
        (!method || r.method === method.toUpperCase()) &&
        (!path || r.path === path || r.operation === `${r.method} ${path}`)
    )
  }

  /** Forgets recorded requests and violations (the store is kept). */
  clearLog(): void {
    this.requests.length = 0
    this.violations.length = 0
  }

  resourceReply(ctx: RequestContext, resource: Resource, status = 200): Reply {
    return this.engine.singleReply(resource, ctx, status)
  }

  collectionReply(ctx: RequestContext, resources: Resource[]): Reply {
    return this.engine.collectionReply(resources, ctx)
  }

  /** Registers a domain: its resource hooks, routes and setup. */
  use(domain: Domain): this {
    if (this.domains.some((d) => d.name === domain.name)) return this
    this.domains.push(domain)
    for (const [type, hooks] of Object.entries(domain.resources ?? {})) {
      const list = this.hooks.get(type) ?? []
      list.push(hooks)
      this.hooks.set(type, list)
    }
    for (const route of domain.routes ?? []) this.routes.push(compileRoute(route))
    domain.setup?.(this)
    return this
  }

  hasDomain(name: string): boolean {
    return this.domains.some((d) => d.name === name)
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.server.closeAllConnections()
    for (const s of this.sockets) s.destroy()
    await closed
  }

  // -------------------------------------------------------------------------------------------

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve()
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t)
        resolve()
      }, ms)
      this.timers.add(t)
    })
  }

  // Only tokens the fake has seen are revoked: a client's new token is signed with an iat back-dated
  // against clock skew, so an iat rule would wrongly refuse it too.
  private isRevoked = (token: string, _iat: number): boolean => this.revokedTokens.has(token)

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const rawBody = Buffer.concat(chunks)
    const method = (req.method ?? 'GET').toUpperCase()
    const url = new URL(req.url ?? '/', this.url)
    const path = url.pathname
    const query: Record<string, string> = {}
    const queryAll: Record<string, string[]> = {}
    for (const [k, v] of url.searchParams) {
      query[k] = v
      ;(queryAll[k] ??= []).push(v)
    }
    const now = this.now()
    const pm = matchPath(this.model.index, path)
    const routes = this.routes.filter((r) => r.methods.has(method) && r.match(path))
    const api = routes[0]?.route.api ?? /^\/v\d+\//.test(path)
    const auth = req.headers.authorization
    let body: unknown
    let bodyError: string | undefined
    if (rawBody.length && isJson(req.headers['content-type'], rawBody)) {
      try {
        body = JSON.parse(rawBody.toString('utf8'))
      } catch (e) {
        bodyError = (e as Error).message
      }
    }
    const record: RecordedRequest = {
      method,
      path,
      query,
      headers: req.headers,
      body,
      bodyBytes: rawBody.length,
      status: 0,
      authorized: false,
      hasAuthorizationHeader: auth !== undefined,
      operation: pm && pm.operations[method] ? `${method} ${pm.template}` : undefined,
      api,
      time: now
    }
    this.requests.push(record)

    const fault = this.faults.take(method, path, pm?.template, path + url.search)
    if (fault) record.fault = fault.kind
    const delay = this.latencyMs + (fault?.kind === 'latency' ? (fault.ms ?? 0) : 0)
    if (fault?.kind === 'reset') {
      this.logLine(record, 'reset')
      req.socket.destroy()
      return
    }
    if (fault?.kind === 'revoke') {
      this.revokeTokens()
      const bearer = /^Bearer\s+(\S+)$/i.exec(auth ?? '')
      if (bearer) this.revokedTokens.add(bearer[1])
    }

    const ctx: RequestContext = {
      method,
      path,
      template: pm?.template,
      pathParams: pm?.pathParams ?? {},
      query,
      queryAll,
      headers: req.headers,
      body,
      rawBody,
      store: this.store,
      model: this.model,
      now,
      baseUrl: this.url,
      url,
      fault,
      fake: this
    }

    let reply: Reply
    try {
      if (fault?.kind === 'status') reply = faultReply(fault)
      else if (fault?.kind === 'answer') reply = { status: 200, ...fault.answer }
      else reply = await this.dispatch(ctx, record, routes, api, bodyError)
      if (fault?.kind === 'rewrite' && fault.rewrite && reply.json !== undefined)
        reply = { ...reply, json: fault.rewrite(structuredClone(reply.json)) }
    } catch (e) {
      reply = this.errorReply(e, record)
    }
    if (api && !reply.headers?.['x-rate-limit']) {
      reply.headers = {
        ...reply.headers,
        'x-rate-limit': `user-hour-lim:${this.rateLimit.limit};user-hour-rem:${Math.max(0, this.rateLimit.remaining)};`
      }
    }
    await this.sleep(delay)
    if (fault?.kind === 'drop') {
      this.logLine(record, 'dropped')
      req.socket.destroy()
      return
    }
    record.status = reply.status
    this.logLine(record)
    send(res, reply)
  }

  private logLine(r: RecordedRequest, note?: string): void {
    if (!this.log) return
    const q = Object.keys(r.query).length ? `?${new URLSearchParams(r.query).toString()}` : ''
    process.stderr.write(
      `fake-asc ${r.method} ${r.path}${q} -> ${note ?? r.status}${r.fault ? ` [fault ${r.fault}]` : ''}\n`
    )
  }

  private async authorize(ctx: RequestContext, record: RecordedRequest): Promise<void> {
    const header = ctx.headers.authorization
    const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null
    if (!m) {
      throw new AscError(
        401,
        'NOT_AUTHORIZED',
        'Provide a properly configured and signed bearer token, and make sure that it has not expired. Learn more about Generating Tokens for API Requests https://developer.apple.com/go/?id=api-generating-tokens'
      )
    }
    const token = m[1]
    // A signature check costs ~1 ms of CPU; claims are checked to the second. So a token found
    // valid is trusted again within the same second, unless it was revoked or its key removed.
    const cacheKey = `${Math.floor(ctx.now / 1000)} ${token}`
    let result = this.verified.get(cacheKey)
    if (!result || this.revokedTokens.has(token) || !this.keyMap.has(result.key.keyId)) {
      const fresh = await verifyToken(token, this.keyMap, ctx.now, this.isRevoked)
      if (!fresh.ok)
        throw new AscError(
          401,
          'NOT_AUTHORIZED',
          `Provide a properly configured and signed bearer token, and make sure that it has not expired. (${fresh.detail})`
        )
      if (this.verified.size > 500) this.verified.clear()
      this.verified.set(cacheKey, fresh)
      result = fresh
    }
    this.seenTokens.add(token)
    record.authorized = true
    record.keyId = result.key.keyId
    ctx.key = result.key
    if (!scopeAllows(token, ctx.method, ctx.path + ctx.url.search)) {
      throw new AscError(403, 'FORBIDDEN_ERROR', 'The token scope does not allow this request.')
    }
    const type = ctx.path.split('/')[2] ?? ''
    if (result.key.individual && PROVISIONING_TYPES.has(type)) {
      throw new AscError(
        403,
        'FORBIDDEN_ERROR',
        'Individual API keys cannot access provisioning resources (bundle IDs, certificates, devices, profiles). Use a team key.'
      )
    }
    if (result.key.readOnly && CHANGING.has(ctx.method)) {
      throw new AscError(403, 'FORBIDDEN_ERROR', 'The API key in use does not allow this request.')
    }
    if (result.key.forbid?.(ctx.method, ctx.path)) {
      throw new AscError(403, 'FORBIDDEN_ERROR', 'The API key in use does not allow this request.')
    }
  }

  private async dispatch(
    ctx: RequestContext,
    record: RecordedRequest,
    routes: CompiledRoute[],
    api: boolean,
    bodyError: string | undefined
  ): Promise<Reply> {
    const route = routes[0]
    if (api) {
      await this.authorize(ctx, record)
      if (this.rateLimit.remaining <= 0) {
        throw new AscError(
          429,
          'RATE_LIMIT_EXCEEDED',
          'The request rate limit has been reached. We recommend retrying in a few minutes.',
          { headers: { 'retry-after': '60' } }
        )
      }
      this.rateLimit.remaining--
      if (bodyError !== undefined) {
        this.violation(ctx, `the body is not valid JSON (${bodyError})`)
        throw new AscError(
          400,
          'ENTITY_UNPROCESSABLE',
          `The request entity is not valid JSON: ${bodyError}`
        )
      }
      if (this.validate && (route?.route.validate ?? true)) this.validateRequest(ctx)
    }
    if (ctx.template) ctx.info = this.model.ops.get(`${ctx.method} ${ctx.template}`)
    for (const r of routes) {
      const params = r.match(ctx.path)
      const rctx =
        typeof r.route.path === 'string'
          ? { ...ctx, pathParams: { ...ctx.pathParams, ...params } }
          : ctx
      const reply = await r.route.handle(rctx)
      if (reply) return reply
    }
    if (!api) {
      return { status: 404, body: 'not found', headers: { 'content-type': 'text/plain' } }
    }
    if (!ctx.info) {
      const pm = ctx.template ? matchPath(this.model.index, ctx.path) : undefined
      if (pm) {
        throw new AscError(405, 'METHOD_NOT_ALLOWED', `The resource does not allow ${ctx.method}.`)
      }
      throw new AscError(404, 'PATH_ERROR', `The URL path is not valid: ${ctx.path}`)
    }
    return this.engine.handle(ctx)
  }

  private violation(ctx: RequestContext, message: string): void {
    this.violations.push(`${ctx.method} ${ctx.path}: ${message}`)
  }

  private validateRequest(ctx: RequestContext): void {
    validateRequest(this.model, ctx, (message) => this.violation(ctx, message))
  }

  private errorReply(e: unknown, record: RecordedRequest): Reply {
    if (e instanceof AscError) {
      return { status: e.status, json: errorDocument(e.errors), headers: e.headers }
    }
    const message = (e as Error)?.stack ?? String(e)
    this.violations.push(`fake-asc internal error on ${record.method} ${record.path}: ${message}`)
    return {
      status: 500,
      json: errorDocument([
        errorItem(500, 'UNEXPECTED_ERROR', `The fake failed: ${(e as Error)?.message ?? String(e)}`)
      ])
    }
  }
}

/** Starts a fake App Store Connect on 127.0.0.1 (any free port unless `port` is given). */
export async function startFakeAsc(opts: FakeAscOptions = {}): Promise<FakeAsc> {
  const model = await loadModel()
  const fake = new FakeAsc(model, opts)
  await fake.listen(opts.port)
  for (const d of opts.domains ?? defaultDomains) fake.use(d)
  return fake
}

/** Registers a domain on a running fake (same as `fake.use(domain)`). */
export function registerDomain(fake: FakeAsc, domain: Domain): FakeAsc {
  return fake.use(domain)
}

export { AscError, errorDocument, errorItem } from './errors.js'
export { signToken, generateTestKey } from './auth.js'
export type { TestKey, AddKeyOptions } from './auth.js'
export { Store, toLinkage, linkageIds } from './store.js'
export type { Resource, Identifier, Linkage, RelationshipsInput } from './store.js'
export { Faults } from './faults.js'
export type { Fault, FaultSpec, FaultKind } from './faults.js'
export type {
  Domain,
  ResourceHooks,
  Route,
  Reply,
  RequestContext,
  RecordedRequest,
  CreateInput,
  UpdateInput
} from './types.js'
export type { Model } from './model.js'
