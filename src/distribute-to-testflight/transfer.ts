import { open } from 'node:fs/promises'
import * as http from 'node:http'
import * as https from 'node:https'
import { createHash } from 'node:crypto'
import { basename } from 'node:path'
import { retryAfterMs } from '#shared/asc/retry-policy.js'
import { mapLimit } from '#shared/concurrency.js'
import { EnvironmentError } from '#shared/errors.js'
import { retry, type RetryVerdict } from '#shared/retry.js'
import type { Sleep } from '#shared/sleep.js'
import { formatDuration } from '#shared/duration.js'
import { UploadProgress } from './progress.js'
import { sendPart, StalledPart, UploadDeadline, type PartAnswer } from './part.js'

/** One of Apple's upload operations (`DeliveryFileUploadOperation`). */
export interface UploadOperation {
  method?: string
  url?: string
  offset?: number
  length?: number
  requestHeaders?: Array<{ name?: string; value?: string }>
  expiration?: string
  partNumber?: number
}

export interface TransferOptions {
  /** Parts in flight at once. Default 4. */
  concurrency?: number
  /** Attempts per part, the first included. Default 5. */
  attempts?: number
  /** A part attempt with no progress (no byte taken, no answer) this long is aborted and retried. Default 1 minute. */
  stallMs?: number
  /** Epoch ms by which every part must be sent (the whole upload's bound). Default: none. */
  deadline?: number
  /** What the deadline is called in messages (default `processing-timeout`). */
  deadlineName?: string
  /** Print progress lines (default: with `log`). */
  progress?: boolean
  baseDelayMs?: number
  sleep?: Sleep
  log?: (message: string) => void
}

export interface TransferResult {
  bytes: number
  parts: number
  retries: number
  ms: number
}

/** The upload host (or the operations Apple gave for it) did not let the file through. */
export class TransferError extends EnvironmentError {
  constructor(message: string, advice = 'Run the step again (it starts a new upload)') {
    super('upload-host', message, { advice })
    this.name = 'TransferError'
  }
}

/**
 * The file's digest (hex) in one sequential pass through a reused 1 MiB buffer: it runs beside the
 * parts' uploads (reads interleave with theirs) and holds nothing of the file in memory.
 */
export async function hashFile(
  path: string,
  algorithm: 'sha256' | 'md5' = 'sha256'
): Promise<string> {
  const hash = createHash(algorithm)
  const file = await open(path, 'r')
  try {
    const buffer = Buffer.allocUnsafe(1 << 20)
    for (let at = 0; ;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, at)
      if (!bytesRead) break
      hash.update(buffer.subarray(0, bytesRead))
      at += bytesRead
    }
    return hash.digest('hex')
  } finally {
    await file.close()
  }
}

/** Checks the operations cover the file exactly once, before any byte is sent. */
export function checkOperations(ops: UploadOperation[], fileSize: number): void {
  if (!ops.length)
    throw new TransferError('App Store Connect gave no upload operations for the file.')
  const sorted = [...ops].sort((a, b) => (a.offset ?? 0) - (b.offset ?? 0))
  let next = 0
  for (const op of sorted) {
    if (!op.url || !op.method || op.offset === undefined || !op.length)
      throw new TransferError(
        'An upload operation from App Store Connect lacks its method, URL, offset or length.'
      )
    if (op.offset !== next)
      throw new TransferError(
        `The upload operations do not cover the file contiguously (a part starts at ${op.offset}, expected ${next}).`
      )
    next = op.offset + op.length
  }
  if (next !== fileSize)
    throw new TransferError(
      `The upload operations cover ${next} bytes but the file has ${fileSize}.`
    )
}

const RETRY = new Set([408, 429, 500, 502, 503, 504])

/** A part answered with a status worth another attempt. */
class RetryablePart extends Error {
  constructor(readonly answer: PartAnswer) {
    super(`HTTP ${answer.status}`)
  }
}

/** Part failures: refusals stop, retryable statuses and network errors go again. */
function classifyPartFailure(error: unknown): RetryVerdict {
  if (error instanceof TransferError || error instanceof UploadDeadline) return { retry: false }
  if (error instanceof RetryablePart)
    return {
      retry: true,
      why: error.message,
      afterMs: retryAfterMs(error.answer.retryAfter ?? null)
    }
  return { retry: true, why: failureReason(error) }
}

function failureReason(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message
}

/**
 * Sends every part as its operation says, streamed from disk, at most `concurrency` at once, each
 * retried on network errors, stalls (no progress for `stallMs`) and 408/429/5xx with full-jitter
 * backoff (Retry-After honoured, capped at a minute). The whole transfer ends by `deadline`: parts in
 * flight are aborted and the error names the part that held it up.
 */
export async function transferParts(
  ops: UploadOperation[],
  path: string,
  fileSize: number,
  options: TransferOptions = {}
): Promise<TransferResult> {
  checkOperations(ops, fileSize)
  const concurrency = options.concurrency ?? 4
  const attempts = options.attempts ?? 5
  const stallMs = options.stallMs ?? 60_000
  const baseDelayMs = options.baseDelayMs ?? 1000
  const { sleep } = options
  const log = options.log ?? (() => undefined)
  const progress = new UploadProgress(fileSize, {
    log: options.progress === false ? () => undefined : log
  })
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: concurrency })
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: concurrency })
  const started = Date.now()
  const abort = new AbortController()
  const deadline = options.deadline
  const bound = deadline !== undefined ? Math.max(0, deadline - started) : undefined
  const timer =
    bound !== undefined ? setTimeout(() => abort.abort(), Math.min(bound, 2 ** 31 - 1)) : undefined
  /** The last part that stalled or failed, to name when the bound passes. */
  let culprit: { label: string; why: string } | undefined
  let retries = 0
  const file = await open(path, 'r')
  const buffers: Buffer[] = []
  try {
    await mapLimit(ops, concurrency, async (op, i) => {
      const buffer = buffers.pop() ?? Buffer.allocUnsafe(1 << 20)
      const label = `part ${op.partNumber ?? i + 1} of ${ops.length}`
      const agent = op.url!.startsWith('https:') ? httpsAgent : httpAgent
      try {
        await retry(
          {
            attempts,
            baseDelayMs,
            maxDelayMs: 60_000,
            longRetryAfter: 'cap',
            budgetMs: bound
          },
          async () => {
            let sent = 0
            let answer: PartAnswer
            try {
              answer = await sendPart(op, file, buffer, agent, {
                stallMs,
                signal: abort.signal,
                sent: (n) => {
                  sent += n
                  progress.add(n)
                }
              })
            } catch (e) {
              progress.add(-sent)
              if (e instanceof StalledPart) culprit = { label, why: e.message }
              throw e
            }
            if (answer.status >= 200 && answer.status < 300) {
              buffers.push(buffer)
              return
            }
            progress.add(-sent)
            if (RETRY.has(answer.status)) {
              culprit = { label, why: `answered HTTP ${answer.status}` }
              throw new RetryablePart(answer)
            }
            const expired = op.expiration && Date.parse(op.expiration) < Date.now()
            throw new TransferError(
              `The upload of ${label} was refused (HTTP ${answer.status}${answer.body ? `: ${answer.body.trim()}` : ''})`,
              expired
                ? 'Its upload URL has expired; run the step again to start a new upload'
                : undefined
            )
          },
          classifyPartFailure,
          {
            sleep,
            onRetry: ({ attempt, of, delayMs, why }) => {
              retries++
              log(
                `Upload of ${label}: ${why}; retrying in ${(delayMs / 1000).toFixed(1)}s (attempt ${attempt + 1} of ${of}).`
              )
            },
            giveUp: (error, n) =>
              new EnvironmentError(
                'upload-host',
                error instanceof StalledPart
                  ? `The upload of ${label} stalled ${n} time(s) (no progress for ${formatDuration(stallMs)} each)`
                  : `The upload of ${label} failed ${n} time(s) (last: ${failureReason(error)})`,
                { cause: error }
              )
          }
        )
      } catch (e) {
        abort.abort()
        throw e
      }
    }).catch((e: unknown) => {
      if (!(e instanceof UploadDeadline)) throw e
      throw new EnvironmentError(
        'upload-host',
        `The upload of ${basename(path)} did not finish within ${options.deadlineName ?? 'processing-timeout'} (${formatDuration(bound ?? 0)})${
          culprit ? `: ${culprit.label} ${culprit.why}` : ''
        }`,
        {
          advice:
            "Check the runner's network to Apple's upload host and run the step again (it starts a new upload), or raise processing-timeout",
          cause: e
        }
      )
    })
  } finally {
    clearTimeout(timer)
    httpAgent.destroy()
    httpsAgent.destroy()
    await file.close()
  }
  progress.done()
  return { bytes: fileSize, parts: ops.length, retries, ms: Date.now() - started }
}
