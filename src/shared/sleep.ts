/** Waits `ms` milliseconds; the one real timer behind every injectable `sleep` option. */
export type Sleep = (ms: number) => Promise<void>

export const sleep: Sleep = (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms))
