import { formatDuration } from './duration.js'
import type { Logger } from './log.js'
import { sleep as realSleep, type Sleep } from './sleep.js'

/** What one look found: done (with the value), or still waiting (saying on what, for the log). */
export type PollStep<T> = { done: true; value: T } | { done: false; waiting: string }

export interface PollOptions {
  /** Epoch ms after which no further look is made. */
  deadline: number
  intervalMs: number
  /** The error thrown when the deadline passes while still waiting. */
  timeout: () => Error
  /** Where the waiting lines go (a Logger's `info`). */
  log?: Logger['info']
  sleep?: Sleep
  now?: () => number
}

/**
 * The one poll loop: looks (`check`), and while it is still waiting logs
 * `<waiting>; checking again in <pause>.`, pauses (the interval, or what is left before the
 * deadline) and looks again. Past the deadline it throws `timeout()`. Errors `check` throws end it.
 */
export async function pollUntil<T>(
  options: PollOptions,
  check: () => Promise<PollStep<T>>
): Promise<T> {
  const now = options.now ?? Date.now
  const wait = options.sleep ?? realSleep
  for (;;) {
    const step = await check()
    if (step.done) return step.value
    const left = options.deadline - now()
    if (left <= 0) throw options.timeout()
    const pause = Math.min(left, options.intervalMs)
    options.log?.(`${step.waiting}; checking again in ${formatDuration(pause)}.`)
    await wait(pause)
  }
}
