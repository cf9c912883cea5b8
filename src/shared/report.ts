/**
 * What a run has done so far, kept as it goes, so that a failure (or a partial success) can still
 * say in the job summary what was already done and what was skipped: "uploaded, build VALID, not
 * given to groups". Entry points record steps; the run wrapper renders them when the step fails
 * before the entry wrote its own summary.
 */
export type Outcome = 'ok' | 'warn' | 'fail'

export const STATUS_ICON: Record<Outcome, string> = { ok: '✅', warn: '⚠️', fail: '❌' }

export class RunReport {
  readonly done: string[] = []
  readonly skipped: string[] = []
  readonly warnings: string[] = []
  /** Set once the entry point has written its own job summary. */
  summaryWritten = false

  /** A step that finished: `uploaded MyApp 1.2.0 (42)`. */
  step(text: string): void {
    this.done.push(text)
  }

  /** A step left out by choice or cut short: `groups: not given (wait-for-processing is false)`. */
  skip(text: string): void {
    this.skipped.push(text)
  }

  warn(text: string): void {
    this.warnings.push(text)
  }

  outcome(failed: boolean): Outcome {
    if (failed) return 'fail'
    return this.warnings.length || this.skipped.length ? 'warn' : 'ok'
  }
}

/** The report of this process's run (one action per process). */
export const runReport = new RunReport()
