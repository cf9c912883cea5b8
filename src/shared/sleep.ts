/** Waits `ms` milliseconds; the one real timer behind every injectable `sleep` option. */
export type Sleep = (ms: number) => Promise<void>

/** Node's largest timer (about 24.8 days); a longer one fires after 1 ms, which would make a hot loop. */
export const MAX_TIMER_MS = 2 ** 31 - 1

export const sleep: Sleep = (ms) =>
  new Promise<void>((resolve) =>
    setTimeout(
      resolve,
      Math.min(MAX_TIMER_MS, Math.max(0, Number.isFinite(ms) ? ms : MAX_TIMER_MS))
    )
  )
