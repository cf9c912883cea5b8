import { actionsLogger, type Logger } from '../log.js'
import { PROJECT, VERSION } from '../version.js'
import { ApiError, parseAppleErrors } from './errors.js'
import { RateLimiter } from './rate-limit.js'
import type { TokenSource } from './auth.js'
import type { Document, Query, Resource } from './types.js'

export { actionsLogger, type Logger }

export interface ClientOptions {
  baseUrl: string | URL
  tokens: TokenSource
  /** Per attempt, covering the answer's body too. Default 60 s. */
  timeoutMs?: number
  /** Attempts per request, the first included. Default 6. */
  maxAttempts?: number
  /** No retry starts after this much time spent on one request. Default 5 minutes. */
  maxRetryTimeMs?: number
  /** First backoff step; doubles each retry, with full jitter. Default 1 s. */
  baseDelayMs?: number
  /** Largest single wait, Retry-After included. Default 60 s. */
  maxDelayMs?: number
  /** A safety cap on pages followed by `pages()`. Default 1,000. */
  maxPages?: number
  /** Names the entry point in the User-Agent. */
  agent?: string
  logger?: Logger
  fetch?: typeof fetch
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  rateLimiter?: RateLimiter
}

export interface RequestOptions<T> {
  query?: Query
  /** A JSON body. */
  body?: unknown
  /**
   * Whether sending the request twice is harmless. Defaults to true for GET, PATCH, PUT and DELETE
   * and false for POST. A request that is not idempotent is never resent after an answer was lost
   * (network error, timeout, 5xx) unless `recover` first finds that it did not take effect.
   */
  idempotent?: boolean
  /** For creates: looks for what the request would have made; returns it, or undefined if absent. */
  recover?: () => Promise<T | undefined>
  /** `Accept` header; default `application/json`. */
  accept?: string
}

export interface AscResponse<T> {
  status: number
  headers: Headers
  url: string
  /** Parsed JSON, or undefined for 204 and non-JSON answers. */
  data: T
  /** The raw body of a non-JSON answer (gzip reports). */
  bytes?: Buffer
  contentType?: string
  /** True when a lost answer was recovered by reading the state. */
  recovered?: boolean
}

export interface PageOptions {
  /** Default 200 (Apple's maximum for most collections); `false` sends no `limit`. */
  limit?: number | false
  maxPages?: number
}

export interface PageStats {
  /** Pages read, re-reads included. */
  pages: number
  /** False when the listing stopped before its end (see `pages()`). */
  complete: boolean
}

export interface RequestStats {
  requests: number
  retries: number
  byMethod: Record<string, number>
  recovered: number
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504])
const DEFAULT_IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'])

class LostAnswer extends Error {}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** `Retry-After` as seconds or an HTTP date, in milliseconds from now. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.ceil(Number(value) * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * The one App Store Connect client. It owns authentication (tokens signed, cached, renewed, re-signed
 * once after a 401), the User-Agent, timeouts, the retry policy (429 with Retry-After, 500/502/503/504
 * and network errors; never other 4xx; never a blind resend of a create), pacing by X-Rate-Limit,
 * JSON:API pagination that cannot loop, Apple's error documents as ApiError, and host safety: the
 * Authorization header only ever goes to the configured API host.
 */
export class AscClient {
  readonly baseUrl: URL
  readonly stats: RequestStats = { requests: 0, retries: 0, byMethod: {}, recovered: 0 }
  private readonly opts: Required<
    Omit<ClientOptions, 'baseUrl' | 'tokens' | 'agent' | 'rateLimiter'>
  >
  private readonly tokens: TokenSource
  private readonly userAgent: string
  readonly rateLimiter: RateLimiter

  constructor(options: ClientOptions) {
    this.baseUrl = new URL(options.baseUrl)
    this.tokens = options.tokens
    this.userAgent = `${PROJECT}/${VERSION}${options.agent ? ` (${options.agent})` : ''}`
    this.rateLimiter = options.rateLimiter ?? new RateLimiter()
    this.opts = {
      timeoutMs: options.timeoutMs ?? 60_000,
      maxAttempts: options.maxAttempts ?? 6,
      maxRetryTimeMs: options.maxRetryTimeMs ?? 5 * 60_000,
      baseDelayMs: options.baseDelayMs ?? 1000,
      maxDelayMs: options.maxDelayMs ?? 60_000,
      maxPages: options.maxPages ?? 1000,
      logger: options.logger ?? actionsLogger,
      fetch: options.fetch ?? ((...args) => fetch(...args)),
      sleep: options.sleep ?? realSleep,
      random: options.random ?? Math.random
    }
  }

  /** Resolves a path (`/v1/apps`) or an absolute URL on the API host; any other host is refused. */
  url(target: string, query?: Query): URL {
    let url: URL
    if (/^https?:\/\//i.test(target)) {
      url = new URL(target)
      if (url.origin !== this.baseUrl.origin)
        throw new Error(
          `Refusing to send App Store Connect credentials to ${url.origin}: only ${this.baseUrl.origin} receives them.`
        )
    } else {
      const prefix = this.baseUrl.pathname.replace(/\/+$/, '')
      url = new URL(`${prefix}${target.startsWith('/') ? '' : '/'}${target}`, this.baseUrl)
    }
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue
      url.searchParams.set(name, Array.isArray(value) ? value.join(',') : String(value))
    }
    return url
  }

  /** The path and query of a URL, for messages (never carries credentials). */
  private describe(url: URL): string {
    return `${url.pathname}${url.search ? decodeURIComponent(url.search) : ''}`
  }

  async request<T = unknown>(
    method: string,
    target: string,
    options: RequestOptions<T> = {}
  ): Promise<AscResponse<T>> {
    const url = this.url(target, options.query)
    const idempotent = options.idempotent ?? DEFAULT_IDEMPOTENT.has(method)
    const started = Date.now()
    const { logger } = this.opts
    let resigned = false
    for (let attempt = 1; ; attempt++) {
      let retryIn: number
      let why: string
      try {
        const response = await this.send(method, url, options)
        if (response.status < 300) return response
        if (response.status < 400)
          throw new Error(
            `${method} ${this.describe(url)} was redirected (${response.status}) to ${response.headers.get('location') ?? 'nowhere'}; redirects are not followed, so the token stays with ${this.baseUrl.origin}. Check api-base-url.`
          )
        const { status } = response
        if (status === 401 && !resigned) {
          resigned = true
          this.tokens.invalidate()
          logger.info(
            `App Store Connect answered 401 to ${method} ${url.pathname}: signing a new token and retrying once.`
          )
          attempt--
          continue
        }
        if (!RETRY_STATUS.has(status)) throw this.apiError(response, method, url)
        if (status !== 429 && !idempotent) {
          // The server may have done the work before failing: look before resending.
          const recovered = await this.tryRecover(options, method, url)
          if (recovered) return recovered
          if (!options.recover) throw this.apiError(response, method, url)
        }
        why = `${status}`
        const after = retryAfterMs(response.headers.get('retry-after'))
        retryIn = after ?? this.backoff(attempt)
        if (
          attempt >= this.opts.maxAttempts ||
          after! > this.opts.maxDelayMs ||
          Date.now() - started + retryIn > this.opts.maxRetryTimeMs
        )
          throw this.apiError(response, method, url, `Gave up after ${attempt} attempt(s).`)
      } catch (error) {
        if (!(error instanceof LostAnswer)) throw error
        if (!idempotent) {
          const recovered = await this.tryRecover(options, method, url)
          if (recovered) return recovered
          if (!options.recover)
            throw new Error(
              `The answer to ${method} ${this.describe(url)} was lost (${error.message}) and the request may have taken effect; it was not resent. Run the step again: it picks up the current state.`,
              { cause: error }
            )
        }
        why = error.message
        retryIn = this.backoff(attempt)
        if (
          attempt >= this.opts.maxAttempts ||
          Date.now() - started + retryIn > this.opts.maxRetryTimeMs
        )
          throw new Error(
            `${method} ${this.describe(url)} failed after ${attempt} attempt(s): ${error.message}. Check the network and api-base-url.`,
            { cause: error }
          )
      }
      this.stats.retries++
      logger.info(
        `${method} ${url.pathname}: ${why}; retrying in ${(retryIn / 1000).toFixed(1)}s (attempt ${attempt + 1} of ${this.opts.maxAttempts}).`
      )
      await this.opts.sleep(Math.min(retryIn, this.opts.maxDelayMs))
    }
  }

  private backoff(attempt: number): number {
    const cap = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** (attempt - 1))
    return Math.round(cap / 2 + (this.opts.random() * cap) / 2)
  }

  private async tryRecover<T>(
    options: RequestOptions<T>,
    method: string,
    url: URL
  ): Promise<AscResponse<T> | undefined> {
    if (!options.recover) return undefined
    const found = await options.recover()
    if (found === undefined) return undefined
    this.stats.recovered++
    this.opts.logger.info(
      `${method} ${url.pathname}: the answer was lost, but the change is there; carrying on.`
    )
    return { status: 200, headers: new Headers(), url: url.href, data: found, recovered: true }
  }

  private apiError(
    response: AscResponse<unknown>,
    method: string,
    url: URL,
    note?: string
  ): ApiError {
    return new ApiError(
      response.status,
      method,
      this.describe(url),
      parseAppleErrors(response.data),
      note
    )
  }

  /** One attempt. Network failures and timeouts become LostAnswer. */
  private async send<T>(
    method: string,
    url: URL,
    options: RequestOptions<T>
  ): Promise<AscResponse<T>> {
    const pause = this.rateLimiter.delay()
    if (pause > 0) {
      this.opts.logger.debug(
        `Pacing: quota ${this.rateLimiter.lowest?.name} is low; waiting ${pause} ms.`
      )
      await this.opts.sleep(pause)
    }
    const token = await this.tokens.token()
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: options.accept ?? 'application/json',
      'User-Agent': this.userAgent
    }
    let body: string | undefined
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json'
      body = JSON.stringify(options.body)
    }
    this.stats.requests++
    this.stats.byMethod[method] = (this.stats.byMethod[method] ?? 0) + 1
    const t0 = Date.now()
    let res: Response
    let bytes: Buffer
    try {
      res = await this.opts.fetch(url, {
        method,
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.timeoutMs)
      })
      bytes = Buffer.from(await res.arrayBuffer())
    } catch (error) {
      const e = error as Error & { cause?: { code?: string; message?: string } }
      const reason =
        e.name === 'TimeoutError' || e.name === 'AbortError'
          ? `no answer within ${this.opts.timeoutMs / 1000}s`
          : (e.cause?.code ?? e.cause?.message ?? e.message)
      this.opts.logger.debug(`${method} ${this.describe(url)} -> ${reason} (${Date.now() - t0} ms)`)
      throw new LostAnswer(reason)
    }
    this.rateLimiter.observe(res.headers.get('x-rate-limit'))
    this.opts.logger.debug(
      `${method} ${this.describe(url)} -> ${res.status} (${Date.now() - t0} ms)`
    )
    const contentType = res.headers.get('content-type') ?? undefined
    let data: unknown
    if (bytes.length && (contentType?.includes('json') ?? false)) {
      try {
        data = JSON.parse(bytes.toString('utf8'))
      } catch {
        data = undefined
      }
    }
    const isJson = contentType?.includes('json') ?? false
    return {
      status: res.status,
      headers: res.headers,
      url: url.href,
      data: data as T,
      bytes: isJson ? undefined : bytes,
      contentType
    }
  }

  async get<T extends Document = Document>(target: string, query?: Query): Promise<T> {
    return (await this.request<T>('GET', target, { query })).data
  }

  /** Creates (or acts); see RequestOptions.recover for lost answers. */
  async post<T = Document>(
    target: string,
    body: unknown,
    options: Omit<RequestOptions<T>, 'body'> = {}
  ): Promise<T> {
    return (await this.request<T>('POST', target, { ...options, body })).data
  }

  async patch<T = Document>(target: string, body: unknown): Promise<T> {
    return (await this.request<T>('PATCH', target, { body })).data
  }

  async delete(target: string, body?: unknown): Promise<void> {
    await this.request('DELETE', target, { body })
  }

  /**
   * Every page of a collection, following `links.next` verbatim. An empty page that still links
   * onwards is read once more (Apple sometimes answers one in passing); if it stays empty the
   * listing stops there, with a warning, as it does on a URL seen before or after `maxPages`
   * pages. `complete` in the `PageStats` passed in tells the caller whether it got to the end.
   */
  async *pages<R extends Resource = Resource>(
    target: string,
    query: Query = {},
    options: PageOptions = {},
    stats: PageStats = { pages: 0, complete: true }
  ): AsyncGenerator<Document<R[]>> {
    const limit = options.limit ?? 200
    const maxPages = options.maxPages ?? this.opts.maxPages
    let next: string | undefined = this.url(
      target,
      limit === false || query.limit !== undefined ? query : { ...query, limit }
    ).href
    const seen = new Set<string>()
    let rereads = 0
    const stop = (why: string) => {
      stats.complete = false
      this.opts.logger.warning(
        `Pagination of ${target} ${why}; stopping there, the list may be incomplete.`
      )
    }
    while (next) {
      if (seen.has(next)) return stop('returned a page it had already returned')
      const doc: Document<R[]> = await this.get<Document<R[]>>(next)
      stats.pages++
      const link = doc.links?.next
      if (link && !(doc.data?.length > 0)) {
        if (rereads++ < 2) continue
        return stop('returned an empty page that links onwards')
      }
      seen.add(next)
      yield doc
      if (link && stats.pages >= maxPages) return stop(`reached ${maxPages} pages`)
      next = link
    }
  }

  /** Every page merged: `data` in order and `included`, each without duplicates. */
  async all<R extends Resource = Resource>(
    target: string,
    query: Query = {},
    options: PageOptions = {}
  ): Promise<{ data: R[]; included: Resource[] } & PageStats> {
    const data = new Map<string, R>()
    const included = new Map<string, Resource>()
    const stats: PageStats = { pages: 0, complete: true }
    for await (const doc of this.pages<R>(target, query, options, stats)) {
      for (const r of doc.data ?? []) data.set(`${r.type}/${r.id}`, r)
      for (const r of doc.included ?? []) included.set(`${r.type}/${r.id}`, r)
    }
    return { data: [...data.values()], included: [...included.values()], ...stats }
  }
}
