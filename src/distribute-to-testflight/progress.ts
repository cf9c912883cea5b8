import { formatDuration } from '#shared/duration.js'

/** `412 MiB`, `1.0 GiB`, `96 KiB`: a size in binary units. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  if (unit === 0) return `${bytes} bytes`
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`
}

export interface ProgressOptions {
  /** Print at least this often while bytes move (default 10 s). */
  everyMs?: number
  now?: () => number
  log: (message: string) => void
}

/**
 * Upload progress: `Uploaded 412 MiB of 1.0 GiB (40 %), 96 MiB/s, about 6 s left`, printed at each
 * 10 % step and at least every `everyMs` while bytes move; `done()` prints the total.
 */
export class UploadProgress {
  private sent = 0
  private lastStep = 0
  private lastAt: number
  private readonly started: number
  private readonly now: () => number
  private readonly everyMs: number

  constructor(
    private readonly total: number,
    private readonly options: ProgressOptions
  ) {
    this.now = options.now ?? Date.now
    this.everyMs = options.everyMs ?? 10_000
    this.started = this.now()
    this.lastAt = this.started
  }

  /** Bytes handed to the upload host (a part retried from its start gives back what it had sent). */
  add(bytes: number): void {
    this.sent = Math.max(0, Math.min(this.total, this.sent + bytes))
    const step = Math.floor((this.sent * 10) / Math.max(1, this.total))
    const at = this.now()
    if (step > this.lastStep || at - this.lastAt >= this.everyMs) {
      // A 10 % step is printed once; a timed line in between keeps the step it is in.
      if (step > this.lastStep) this.lastStep = step
      this.lastAt = at
      if (this.sent < this.total) this.options.log(this.line(at))
    }
  }

  /** The line for the current state. */
  line(at = this.now()): string {
    const elapsed = Math.max(1, at - this.started)
    const rate = (this.sent / elapsed) * 1000
    const percent = Math.floor((this.sent * 100) / Math.max(1, this.total))
    const left = rate > 0 ? ((this.total - this.sent) / rate) * 1000 : undefined
    return `Uploaded ${formatBytes(this.sent)} of ${formatBytes(this.total)} (${percent} %), ${formatBytes(rate)}/s${
      left !== undefined && this.sent < this.total ? `, about ${formatDuration(left)} left` : ''
    }`
  }

  /** The closing line: every byte sent, in how long. */
  done(): void {
    const at = this.now()
    this.sent = this.total
    this.options.log(`${this.line(at)}, in ${formatDuration(at - this.started)}.`)
  }
}

/** `2m 10s elapsed, 27m 50s left`: for the lines of a wait bounded by a deadline. */
export function waitClock(startedAt: number, deadline: number, now = Date.now()): string {
  return `${formatDuration(Math.max(0, now - startedAt))} elapsed, ${formatDuration(Math.max(0, deadline - now))} left`
}
