/** A question the explorer cannot answer: an unknown name (with the nearest ones) or bad usage. */
export class ExplorerError extends Error {
  constructor(
    message: string,
    /** the exit code: 1 for an unknown name or unreadable file, 2 for bad usage */
    readonly exitCode = 1,
    /** the nearest names that do exist, best first */
    readonly nearest: string[] = []
  ) {
    super(message)
    this.name = 'ExplorerError'
  }
}
