import { EnvironmentError } from '../errors.js'
import { actionsLogger, type Logger } from '../log.js'
import { retry, type RetryPolicy } from '../retry.js'
import { sleep as realSleep } from '../sleep.js'
import { PROJECT, VERSION } from '../version.js'
import { ApiError, parseAppleErrors } from './errors.js'
import { BodyTooLarge, checkJsonAnswer, exchange } from './transport.js'
import { describeUrl, resolveApiUrl } from './urls.js'
import { mergePages, pages, type PageOptions, type PageStats } from './pagination.js'
import { RateLimiter } from './rate-limit.js'
import type { TokenSource } from './auth.js'
import type { Document, Query, Resource } from './types.js'

import {
  DEFAULT_IDEMPOTENT,
  LostAnswer,
  RETRY_STATUS,
  RetryableAnswer,
  classifyAscFailure,
  retryAfterMs
} from './retry-policy.js'

import type { AscResponse, ClientOptions, RequestOptions, RequestStats } from './client-types.js'

export type { AscResponse, ClientOptions, RequestOptions, RequestStats } from './client-types.js'

const MiB = 1024 * 1024

export { actionsLogger, retryAfterMs, type Logger, type PageOptions, type PageStats }

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
  /** Whether the slow-down for a low quota has been said (it is said once). */
  private toldSlow = false

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
      maxBodyBytes: options.maxBodyBytes ?? 64 * MiB,
      maxRawBodyBytes: options.maxRawBodyBytes ?? 128 * MiB,
      maxPages: options.maxPages ?? 1000,
      logger: options.logger ?? actionsLogger,
      fetch: options.fetch ?? ((...args) => fetch(...args)),
      sleep: options.sleep ?? realSleep,
      random: options.random ?? Math.random
    }
  }

  /** Resolves a path of ours or a URL the server gave; see resolveApiUrl (urls.ts). */
  url(target: string, query?: Query): URL {
    return resolveApiUrl(this.baseUrl, target, query)
  }

  /** The path and query of a URL, for messages (never carries credentials). */
  private describe(url: URL): string {
    return describeUrl(url)
  }

  async request<T = unknown>(
    method: string,
    target: string,
    options: RequestOptions<T> = {}
  ): Promise<AscResponse<T>> {
    const url = this.url(target, options.query)
    const idempotent = options.idempotent ?? DEFAULT_IDEMPOTENT.has(method)
    const signing = { resigned: false }
    const policy: RetryPolicy = {
      attempts: this.opts.maxAttempts,
      budgetMs: this.opts.maxRetryTimeMs,
      baseDelayMs: this.opts.baseDelayMs,
      maxDelayMs: this.opts.maxDelayMs,
      jitter: 'equal'
    }
    return retry(
      policy,
      () => this.attempt<T>(method, url, options, idempotent, signing),
      classifyAscFailure,
      {
        sleep: this.opts.sleep,
        random: this.opts.random,
        onRetry: ({ attempt, of, delayMs, why }) => {
          this.stats.retries++
          this.opts.logger.info(
            `${method} ${this.describe(url)}: ${why}; retrying in ${(delayMs / 1000).toFixed(1)}s (attempt ${attempt + 1} of ${of}).`
          )
        },
        giveUp: (error, attempts) => {
          if (error instanceof RetryableAnswer)
            return this.apiError(
              error.response,
              method,
              url,
              `Gave up after ${attempts} attempt(s).`
            )
          const lost = error as LostAnswer
          return new EnvironmentError(
            lost.timedOut ? 'timeout' : 'network',
            `${method} ${this.describe(url)} failed after ${attempts} attempt(s): ${lost.message}`,
            { cause: error }
          )
        }
      }
    )
  }

  /**
   * One attempt (a 401 re-signs the token and resends once per request). A lost answer or a
   * retryable status is thrown for the retry engine; a create is looked for before it is resent.
   */
  private async attempt<T>(
    method: string,
    url: URL,
    options: RequestOptions<T>,
    idempotent: boolean,
    signing: { resigned: boolean }
  ): Promise<AscResponse<T>> {
    let response: AscResponse<T>
    try {
      response = await this.send(method, url, options)
      if (response.status === 401 && !signing.resigned) {
        signing.resigned = true
        this.tokens.invalidate()
        this.opts.logger.info(
          `App Store Connect answered 401 to ${method} ${this.describe(url)}: signing a new token and retrying once.`
        )
        response = await this.send(method, url, options)
      }
    } catch (error) {
      if (!(error instanceof LostAnswer) || idempotent) throw error
      const recovered = await this.tryRecover(options, method, url)
      if (recovered) return recovered
      if (!options.recover)
        throw new EnvironmentError(
          error.timedOut ? 'timeout' : 'network',
          `The answer to ${method} ${this.describe(url)} was lost (${error.message}) and the request may have taken effect; it was not resent`,
          { advice: 'Run the step again: it picks up the current state', cause: error }
        )
      throw error
    }
    const { status } = response
    if (status < 300) return checkJsonAnswer(response, method, this.describe(url), options.accept)
    if (status < 400)
      throw new EnvironmentError(
        'redirect',
        `${method} ${this.describe(url)} was redirected (${status}) to ${response.headers.get('location') ?? 'nowhere'}; redirects are not followed, so the token stays with ${this.baseUrl.origin}`,
        { advice: 'Check api-base-url' }
      )
    if (!RETRY_STATUS.has(status)) throw this.apiError(response, method, url)
    if (status !== 429 && !idempotent) {
      // The server may have done the work before failing: look before resending.
      const recovered = await this.tryRecover(options, method, url)
      if (recovered) return recovered
      if (!options.recover) throw this.apiError(response, method, url)
    }
    throw new RetryableAnswer(response)
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
      `${method} ${this.describe(url)}: the answer was lost, but the change is there; carrying on.`
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
    if (pause > 0 && !this.toldSlow) {
      this.toldSlow = true
      const low = this.rateLimiter.lowest
      this.opts.logger.info(
        `App Store Connect's request quota for this key is running low${low ? ` (${low.remaining} of ${low.limit} left this ${low.windowMs >= 3_600_000 ? 'hour' : 'window'})` : ''}: requests are spaced out so the rest lasts; other jobs using the same key share this quota.`
      )
    }
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
    const wantsJson = (options.accept ?? 'application/json').includes('json')
    const maxBytes =
      options.maxBytes ?? (wantsJson ? this.opts.maxBodyBytes : this.opts.maxRawBodyBytes)
    let response: AscResponse<T>
    try {
      response = await exchange<T>(
        this.opts.fetch,
        {
          method,
          url,
          label: this.describe(url),
          headers,
          body,
          timeoutMs: this.opts.timeoutMs,
          maxBytes
        },
        this.opts.logger
      )
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error
      throw ApiError.unusable(
        error.status,
        method,
        this.describe(url),
        `${error.message}, over the limit that keeps the runner's memory safe; it was refused`
      )
    }
    this.rateLimiter.observe(response.headers.get('x-rate-limit'))
    return response
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
   * Every page of a collection, following `links.next` verbatim; a listing that loops, keeps
   * answering empty pages that link onwards or passes `maxPages` stops with a warning (see
   * pagination.ts). `complete` in the `PageStats` passed in tells the caller whether it got to the end.
   */
  pages<R extends Resource = Resource>(
    target: string,
    query: Query = {},
    options: PageOptions = {},
    stats: PageStats = { pages: 0, complete: true }
  ): AsyncGenerator<Document<R[]>> {
    const maxPages = options.maxPages ?? this.opts.maxPages
    return pages<R>(this, this.opts.logger, target, query, { ...options, maxPages }, stats)
  }

  /** Every page merged: `data` in order and `included`, each without duplicates. */
  async all<R extends Resource = Resource>(
    target: string,
    query: Query = {},
    options: PageOptions = {}
  ): Promise<{ data: R[]; included: Resource[] } & PageStats> {
    const stats: PageStats = { pages: 0, complete: true }
    return mergePages(this.pages<R>(target, query, options, stats), stats)
  }
}
