import { sleep as realSleep, type Sleep } from './sleep.js'

/** What the classifier says about a failed attempt. */
export type RetryVerdict =
  | { retry: false }
  | {
      retry: true
      /** Why, for the log line (`503`, `ECONNRESET`). */
      why: string
      /** The server's `Retry-After`, in ms, when it sent one: used instead of the backoff. */
      afterMs?: number
    }

export interface RetryPolicy {
  /** Attempts, the first included. */
  attempts: number
  /** No retry starts after this much time since the first attempt began. Default: no budget. */
  budgetMs?: number
  /** First backoff step; doubles each retry. */
  baseDelayMs: number
  /** Largest single wait. A `Retry-After` above it gives up (see `longRetryAfter`). */
  maxDelayMs: number
  /**
   * `full` (default): a uniform wait in [0, step]; `equal`: in [step/2, step]; `none`: the step.
   */
  jitter?: 'full' | 'equal' | 'none'
  /** A `Retry-After` above `maxDelayMs`: `give-up` (default) or `cap` (wait `maxDelayMs`). */
  longRetryAfter?: 'give-up' | 'cap'
}

export interface RetryHooks {
  sleep?: Sleep
  random?: () => number
  now?: () => number
  /** Called before each wait. */
  onRetry?: (retry: { attempt: number; of: number; delayMs: number; why: string }) => void
  /** The error to throw when retries run out (default: the last error itself). */
  giveUp?: (error: unknown, attempts: number) => unknown
}

/** The backoff step before retry number `attempt` (1-based), jittered as the policy says. */
export function backoff(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  switch (policy.jitter ?? 'full') {
    case 'none':
      return step
    case 'equal':
      return Math.round(step / 2 + (random() * step) / 2)
    default:
      return Math.round(random() * step)
  }
}

/**
 * The one retry engine. Runs `attempt` until it resolves; a thrown error goes to `classify`:
 * `retry: false` rethrows it at once, `retry: true` waits (the server's Retry-After, else the
 * jittered backoff) and tries again, unless the attempts or the time budget are spent or the
 * Retry-After is longer than the policy allows: then `giveUp` decides what is thrown.
 */
export async function retry<T>(
  policy: RetryPolicy,
  attempt: (n: number) => Promise<T>,
  classify: (error: unknown, n: number) => RetryVerdict,
  hooks: RetryHooks = {}
): Promise<T> {
  const now = hooks.now ?? Date.now
  const wait = hooks.sleep ?? realSleep
  const started = now()
  for (let n = 1; ; n++) {
    try {
      return await attempt(n)
    } catch (error) {
      const verdict = classify(error, n)
      if (!verdict.retry) throw error
      let delayMs = verdict.afterMs ?? backoff(policy, n, hooks.random)
      const tooLong = verdict.afterMs !== undefined && verdict.afterMs > policy.maxDelayMs
      if (tooLong && policy.longRetryAfter === 'cap') delayMs = policy.maxDelayMs
      if (
        n >= policy.attempts ||
        (tooLong && policy.longRetryAfter !== 'cap') ||
        now() - started + delayMs > (policy.budgetMs ?? Infinity)
      )
        throw hooks.giveUp ? hooks.giveUp(error, n) : error
      hooks.onRetry?.({ attempt: n, of: policy.attempts, delayMs, why: verdict.why })
      await wait(Math.min(delayMs, policy.maxDelayMs))
    }
  }
}
