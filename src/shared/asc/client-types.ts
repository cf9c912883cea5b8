import type { Logger } from '../log.js'
import type { Sleep } from '../sleep.js'
import type { TokenSource } from './auth.js'
import type { RateLimiter } from './rate-limit.js'
import type { Query } from './types.js'

/** The shapes of the client's options and answers (client.ts re-exports them). */
export interface ClientOptions {
  baseUrl: string | URL
  tokens: TokenSource
  /** Per attempt, covering the answer's body too. Default 60 s. */
  timeoutMs?: number
  /** Attempts per request, the first included. Default 6. */
  maxAttempts?: number
  /** No retry starts after this much time spent on one request. Default 5 minutes. */
  maxRetryTimeMs?: number
  /** First backoff step; doubles each retry; each wait is between half the step and the step. Default 1 s. */
  baseDelayMs?: number
  /** Largest single wait, Retry-After included. Default 60 s. */
  maxDelayMs?: number
  /** The largest decoded JSON answer read; beyond it the answer is refused. Default 64 MiB. */
  maxBodyBytes?: number
  /** The same for answers that are not JSON (gzip reports). Default 128 MiB. */
  maxRawBodyBytes?: number
  /** A safety cap on pages followed by `pages()`. Default 1,000. */
  maxPages?: number
  /** Names the entry point in the User-Agent. */
  agent?: string
  logger?: Logger
  fetch?: typeof fetch
  sleep?: Sleep
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
  /** The largest decoded answer read for this request (default from the client's options). */
  maxBytes?: number
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

export interface RequestStats {
  requests: number
  retries: number
  byMethod: Record<string, number>
  recovered: number
}
