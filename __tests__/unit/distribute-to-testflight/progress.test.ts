import { describe, expect, it } from '@jest/globals'
import {
  formatBytes,
  UploadProgress,
  waitClock
} from '../../../src/distribute-to-testflight/progress.js'

describe('formatBytes', () => {
  it('renders binary units', () => {
    expect(formatBytes(512)).toBe('512 bytes')
    expect(formatBytes(412 * 2 ** 20)).toBe('412 MiB')
    expect(formatBytes(2 ** 30)).toBe('1.0 GiB')
    expect(formatBytes(96.4 * 2 ** 10)).toBe('96.4 KiB')
  })
})

describe('UploadProgress', () => {
  const run = (total: number, chunks: Array<[bytes: number, atMs: number]>) => {
    let now = 0
    const lines: string[] = []
    const p = new UploadProgress(total, { now: () => now, log: (l) => lines.push(l) })
    for (const [bytes, at] of chunks) {
      now = at
      p.add(bytes)
    }
    p.done()
    return lines
  }

  it('prints once per 10 % step with rate and time left, then the total', () => {
    const total = 2 ** 30
    const step = total / 100
    const lines = run(
      total,
      Array.from({ length: 100 }, (_, i) => [step, (i + 1) * 100] as [number, number])
    )
    expect(lines).toHaveLength(10)
    expect(lines[3]).toBe('Uploaded 410 MiB of 1.0 GiB (40 %), 102 MiB/s, about 6s left')
    expect(lines.at(-1)).toBe('Uploaded 1.0 GiB of 1.0 GiB (100 %), 102 MiB/s, in 10s.')
  })

  it('prints at least every 10 s on a slow link, even within one step', () => {
    const total = 1000
    const lines = run(total, [
      [10, 5_000],
      [10, 11_000],
      [10, 22_000]
    ])
    expect(lines.map((l) => /\((\d+) %\)/.exec(l)![1])).toEqual(['2', '3', '100'])
  })

  it('gives back what a failed attempt had sent', () => {
    const lines = run(100, [
      [50, 10],
      [-50, 20],
      [100, 30]
    ])
    expect(lines.map((l) => /\((\d+) %\)/.exec(l)![1])).toEqual(['50', '100'])
  })
})

describe('waitClock', () => {
  it('says elapsed and left', () => {
    expect(waitClock(0, 30 * 60_000, 130_000)).toBe('2m 10s elapsed, 27m 50s left')
    expect(waitClock(0, 1000, 5000)).toBe('5s elapsed, 0ms left')
  })
})
