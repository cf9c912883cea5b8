import { describe, expect, it } from '@jest/globals'
import { backoff, retry, type RetryPolicy, type RetryVerdict } from '../../../src/shared/retry.js'

class Flaky extends Error {
  constructor(
    readonly why: string,
    readonly afterMs?: number
  ) {
    super(why)
  }
}

const classify = (e: unknown): RetryVerdict =>
  e instanceof Flaky ? { retry: true, why: e.why, afterMs: e.afterMs } : { retry: false }

/** An operation that fails with the given errors in turn, then answers `done`. */
function failing(...errors: Error[]) {
  const calls: number[] = []
  return {
    calls,
    run: async (n: number) => {
      calls.push(n)
      const e = errors.shift()
      if (e) throw e
      return 'done'
    }
  }
}

function harness(policy: Partial<RetryPolicy> = {}) {
  const slept: number[] = []
  const retries: string[] = []
  let clock = 0
  return {
    slept,
    retries,
    policy: { attempts: 4, baseDelayMs: 1000, maxDelayMs: 8000, ...policy } as RetryPolicy,
    hooks: {
      sleep: async (ms: number) => {
        slept.push(ms)
        clock += ms
      },
      now: () => clock,
      random: () => 0.5,
      onRetry: (r: { attempt: number; of: number; why: string }) =>
        retries.push(`${r.why} ${r.attempt}/${r.of}`)
    }
  }
}

describe('backoff', () => {
  it('doubles from the base, capped, with full, equal or no jitter', () => {
    const p: RetryPolicy = { attempts: 9, baseDelayMs: 1000, maxDelayMs: 5000 }
    expect([1, 2, 3, 4].map((n) => backoff(p, n, () => 0.5))).toEqual([500, 1000, 2000, 2500])
    expect(backoff(p, 3, () => 0)).toBe(0)
    expect(backoff({ ...p, jitter: 'equal' }, 2, () => 0)).toBe(1000)
    expect(backoff({ ...p, jitter: 'equal' }, 2, () => 1)).toBe(2000)
    expect(backoff({ ...p, jitter: 'none' }, 5, () => 0.1)).toBe(5000)
  })
})

describe('retry', () => {
  it('retries what the classifier calls retryable, then returns the answer', async () => {
    const h = harness()
    const op = failing(new Flaky('503'), new Flaky('ECONNRESET'))
    await expect(retry(h.policy, op.run, classify, h.hooks)).resolves.toBe('done')
    expect(op.calls).toEqual([1, 2, 3])
    expect(h.slept).toEqual([500, 1000])
    expect(h.retries).toEqual(['503 1/4', 'ECONNRESET 2/4'])
  })

  it('stops at once on what the classifier calls final', async () => {
    const h = harness()
    const final = new Error('400 bad request')
    const op = failing(final)
    await expect(retry(h.policy, op.run, classify, h.hooks)).rejects.toBe(final)
    expect(op.calls).toEqual([1])
    expect(h.slept).toEqual([])
  })

  it('gives up after the attempts, with the error giveUp makes', async () => {
    const h = harness({ attempts: 3 })
    const op = failing(new Flaky('504'), new Flaky('504'), new Flaky('504'), new Flaky('504'))
    await expect(
      retry(h.policy, op.run, classify, {
        ...h.hooks,
        giveUp: (e, n) => new Error(`gave up after ${n}: ${(e as Error).message}`)
      })
    ).rejects.toThrow('gave up after 3: 504')
    expect(op.calls).toEqual([1, 2, 3])
  })

  it('honours Retry-After, and gives up when it is longer than the largest wait', async () => {
    const h = harness()
    const op = failing(new Flaky('429', 7000), new Flaky('429', 9000))
    await expect(retry(h.policy, op.run, classify, h.hooks)).rejects.toThrow('429')
    expect(h.slept).toEqual([7000])
  })

  it('can cap a long Retry-After instead of giving up', async () => {
    const h = harness({ longRetryAfter: 'cap' })
    const op = failing(new Flaky('503', 120_000))
    await expect(retry(h.policy, op.run, classify, h.hooks)).resolves.toBe('done')
    expect(h.slept).toEqual([8000])
  })

  it('starts no retry that would end past the time budget', async () => {
    const h = harness({ attempts: 10, budgetMs: 2000, jitter: 'none' })
    const op = failing(new Flaky('a'), new Flaky('b'), new Flaky('c'))
    await expect(retry(h.policy, op.run, classify, h.hooks)).rejects.toThrow('b')
    expect(h.slept).toEqual([1000])
  })
})
