import { describe, expect, it } from '@jest/globals'
import { pollUntil, type PollStep } from '../../../src/shared/poll.js'

function clock() {
  let t = 0
  const slept: number[] = []
  return {
    slept,
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms)
      t += ms
    }
  }
}

describe('pollUntil', () => {
  it('looks until done, logging what it waits on and pausing the interval', async () => {
    const c = clock()
    const logs: string[] = []
    const steps: PollStep<string>[] = [
      { done: false, waiting: 'Build 1 is PROCESSING' },
      { done: false, waiting: 'Build 1 is PROCESSING' },
      { done: true, value: 'VALID' }
    ]
    const value = await pollUntil(
      {
        deadline: 100_000,
        intervalMs: 30_000,
        now: c.now,
        sleep: c.sleep,
        log: (m) => logs.push(m),
        timeout: () => new Error('late')
      },
      async () => steps.shift()!
    )
    expect(value).toBe('VALID')
    expect(c.slept).toEqual([30_000, 30_000])
    expect(logs).toEqual([
      'Build 1 is PROCESSING; checking again in 30s.',
      'Build 1 is PROCESSING; checking again in 30s.'
    ])
  })

  it('pauses no longer than what is left, then throws the timeout error', async () => {
    const c = clock()
    let looks = 0
    await expect(
      pollUntil(
        {
          deadline: 45_000,
          intervalMs: 30_000,
          now: c.now,
          sleep: c.sleep,
          timeout: () => new Error(`still waiting after ${looks} looks`)
        },
        async () => {
          looks++
          return { done: false, waiting: 'x' }
        }
      )
    ).rejects.toThrow('still waiting after 3 looks')
    expect(c.slept).toEqual([30_000, 15_000])
  })

  it('ends with whatever the check throws', async () => {
    const c = clock()
    const failed = new Error('FAILED')
    await expect(
      pollUntil(
        { deadline: 1e9, intervalMs: 1, now: c.now, sleep: c.sleep, timeout: () => new Error() },
        async () => {
          throw failed
        }
      )
    ).rejects.toBe(failed)
    expect(c.slept).toEqual([])
  })
})
