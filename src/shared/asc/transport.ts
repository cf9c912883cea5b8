import { serverText, type Logger } from '../log.js'
import { ApiError } from './errors.js'
import type { AscResponse } from './client.js'
import { LostAnswer } from './retry-policy.js'

export interface Exchange {
  method: string
  url: URL
  /** The URL as it may appear in messages (path and query). */
  label: string
  headers: Record<string, string>
  body?: string
  timeoutMs: number
  /** The largest decoded body read (after Content-Encoding); beyond it the answer is refused. */
  maxBytes: number
}

/** An answer refused as too big (a compression bomb, a runaway listing): never retried. */
export class BodyTooLarge extends Error {
  constructor(
    readonly limit: number,
    readonly status: number
  ) {
    super(`the answer is larger than ${Math.round(limit / 1048576)} MiB once decoded`)
    this.name = 'BodyTooLarge'
  }
}

/** Reads a body as it comes, stopping (and cancelling the transfer) once it passes `limit` bytes. */
async function readCapped(res: Response, limit: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0)
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limit) {
      await reader.cancel().catch(() => undefined)
      throw new BodyTooLarge(limit, res.status)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks, total)
}

/**
 * One HTTP exchange, redirects not followed, bounded by `timeoutMs` (the body included). A network
 * failure or the timeout becomes a LostAnswer; an answer is decoded (JSON parsed when it says so).
 */
export async function exchange<T>(
  fetcher: typeof fetch,
  request: Exchange,
  logger: Logger
): Promise<AscResponse<T>> {
  const { method, url, label, timeoutMs } = request
  const t0 = Date.now()
  let res: Response
  let bytes: Buffer
  try {
    res = await fetcher(url, {
      method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs)
    })
    bytes = await readCapped(res, request.maxBytes)
  } catch (error) {
    if (error instanceof BodyTooLarge) throw error
    const e = error as Error & { cause?: { code?: string; message?: string } }
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError'
    const reason = timedOut
      ? `no answer within ${timeoutMs / 1000}s`
      : (e.cause?.code ?? e.cause?.message ?? e.message)
    logger.debug(`${method} ${label} -> ${reason} (${Date.now() - t0} ms)`)
    throw new LostAnswer(reason, timedOut)
  }
  logger.debug(`${method} ${label} -> ${res.status} (${Date.now() - t0} ms)`)
  const contentType = res.headers.get('content-type') ?? undefined
  const isJson = contentType?.includes('json') ?? false
  let data: unknown
  if (bytes.length && isJson) {
    try {
      data = JSON.parse(bytes.toString('utf8'))
    } catch {
      data = undefined
    }
  }
  return {
    status: res.status,
    headers: res.headers,
    url: url.href,
    data: data as T,
    bytes: isJson ? undefined : bytes,
    contentType
  }
}

/** A 200/201 to a request for JSON must carry JSON; anything else (HTML, empty, cut) is refused. */
export function checkJsonAnswer<T>(
  response: AscResponse<T>,
  method: string,
  label: string,
  accept = 'application/json'
): AscResponse<T> {
  if (!accept.includes('json') || (response.status !== 200 && response.status !== 201))
    return response
  if (response.data !== undefined && response.data !== null) return response
  const size = response.bytes?.length ?? 0
  const what = !response.contentType?.includes('json')
    ? `the answer is ${size ? `${size} bytes of ${serverText(response.contentType ?? 'an unnamed type', 60)}` : 'empty'}, not JSON`
    : 'the answer is not valid JSON'
  throw ApiError.unusable(response.status, method, label, what)
}
