import type { RetryVerdict } from '../retry.js'
import type { AscResponse } from './client.js'

/** Statuses worth another attempt; any other 4xx is final. */
export const RETRY_STATUS = new Set([429, 500, 502, 503, 504])

/** Methods whose resend is harmless unless the caller says otherwise. */
export const DEFAULT_IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'])

/** An attempt that got no answer (network error or the per-attempt timeout). */
export class LostAnswer extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean
  ) {
    super(message)
    this.name = 'LostAnswer'
  }
}

/** An answer with a status worth retrying (see RETRY_STATUS). */
export class RetryableAnswer extends Error {
  constructor(readonly response: AscResponse<unknown>) {
    super(`HTTP ${response.status}`)
    this.name = 'RetryableAnswer'
  }
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from now. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.ceil(Number(value) * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** The client's classifier: lost answers and retryable statuses go again, anything else stops. */
export function classifyAscFailure(error: unknown): RetryVerdict {
  if (error instanceof RetryableAnswer)
    return {
      retry: true,
      why: `${error.response.status}`,
      afterMs: retryAfterMs(error.response.headers.get('retry-after'))
    }
  if (error instanceof LostAnswer) return { retry: true, why: error.message }
  return { retry: false }
}
