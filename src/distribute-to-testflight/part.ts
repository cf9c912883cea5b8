import type { FileHandle } from 'node:fs/promises'
import * as http from 'node:http'
import * as https from 'node:https'
import { formatDuration } from '#shared/duration.js'
import type { UploadOperation } from './transfer.js'

/**
 * One attempt at one part of an upload: the listed request, its body streamed from disk, watched
 * for stalls (no byte taken and no answer for the stall window) and for the whole upload's bound.
 */
/** A part attempt that made no progress for the stall window. */
export class StalledPart extends Error {
  constructor(stallMs: number) {
    super(`stalled (no progress for ${formatDuration(stallMs)})`)
    this.name = 'StalledPart'
  }
}

/** The whole upload's bound passed: every part in flight is aborted. */
export class UploadDeadline extends Error {}

export interface PartAnswer {
  status: number
  body: string
  retryAfter?: string
}

/** Sends one part: exactly the listed headers (and the framing Content-Length), body streamed from disk. */
export function sendPart(
  op: UploadOperation,
  file: FileHandle,
  buffer: Buffer,
  agent: http.Agent,
  watch: { stallMs: number; signal: AbortSignal; sent: (bytes: number) => void }
): Promise<PartAnswer> {
  const url = new URL(op.url!)
  const client = url.protocol === 'https:' ? https : http
  const headers: Record<string, string> = {}
  for (const h of op.requestHeaders ?? []) if (h.name) headers[h.name] = h.value ?? ''
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-length'))
    headers['Content-Length'] = String(op.length)
  return new Promise((resolve, reject) => {
    if (watch.signal.aborted) return reject(new UploadDeadline())
    const req = client.request(url, { method: op.method, headers, agent })
    let stall: NodeJS.Timeout | undefined
    const alive = () => {
      clearTimeout(stall)
      stall = setTimeout(() => req.destroy(new StalledPart(watch.stallMs)), watch.stallMs)
    }
    const onAbort = () => req.destroy(new UploadDeadline())
    const settle = () => {
      clearTimeout(stall)
      watch.signal.removeEventListener('abort', onAbort)
    }
    watch.signal.addEventListener('abort', onAbort)
    alive()
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        alive()
        if (size < 64 * 1024) chunks.push(c)
        size += c.length
      })
      res.on('end', () => {
        settle()
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8').slice(0, 500),
          retryAfter: res.headers['retry-after'] as string | undefined
        })
      })
      res.on('error', (e) => {
        settle()
        reject(e)
      })
    })
    req.on('error', (e) => {
      settle()
      reject(e)
    })
    pump(req, file, buffer, op.offset!, op.length!, (n) => {
      alive()
      watch.sent(n)
    }).catch((e: Error) => req.destroy(e))
  })
}

/**
 * Streams `length` bytes from `offset` into the request through one reused buffer: each chunk is
 * read only after the previous one was handed to the socket, so memory stays flat whatever the size.
 */
async function pump(
  req: http.ClientRequest,
  file: FileHandle,
  buffer: Buffer,
  offset: number,
  length: number,
  sent: (bytes: number) => void
): Promise<void> {
  const end = offset + length
  for (let at = offset; at < end;) {
    if (req.destroyed) return
    const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, end - at), at)
    if (!bytesRead) throw new Error('the file became shorter while it was uploaded')
    await new Promise<void>((resolve, reject) =>
      req.write(buffer.subarray(0, bytesRead), (e) => (e ? reject(e) : resolve()))
    )
    sent(bytesRead)
    at += bytesRead
  }
  req.end()
}
