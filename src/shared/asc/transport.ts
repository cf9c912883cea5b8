import type { Logger } from '../log.js'
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
    bytes = Buffer.from(await res.arrayBuffer())
  } catch (error) {
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
