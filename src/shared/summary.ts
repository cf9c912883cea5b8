import * as core from '@actions/core'
import { STATUS_ICON, runReport, type Outcome } from './report.js'

/** Escapes a value for a Markdown table cell. */
function cell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—'
  return String(value).replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>')
}

/**
 * A job summary written as Markdown: readable in GitHub's summary pane and, as plain text, in a
 * terminal (the demo prints it as it is).
 */
export class Summary {
  private readonly parts: string[] = []

  heading(text: string, level = 2): this {
    this.parts.push(`${'#'.repeat(level)} ${text}`)
    return this
  }

  /** The one status line a summary is led by: `✅ done`, `⚠️ done with warnings`, `❌ failed`. */
  status(outcome: Outcome, text: string): this {
    this.parts.push(`${STATUS_ICON[outcome]} ${text}`)
    return this
  }

  /** Internal figures (request counts, timings), collapsed. */
  details(title: string, body: string): this {
    this.parts.push(`<details><summary>${title}</summary>\n\n${body}\n\n</details>`)
    return this
  }

  text(text: string): this {
    this.parts.push(text)
    return this
  }

  table(headers: string[], rows: unknown[][]): this {
    if (!rows.length) return this
    const lines = [
      `| ${headers.map(cell).join(' | ')} |`,
      `| ${headers.map(() => '---').join(' | ')} |`,
      ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)
    ]
    this.parts.push(lines.join('\n'))
    return this
  }

  /** Key/value facts as a list (`- **Status:** 200`); undefined values are left out. */
  facts(entries: Array<[string, unknown]>): this {
    return this.list(
      entries.filter(([, v]) => v !== undefined).map(([k, v]) => `**${k}:** ${cell(v)}`)
    )
  }

  list(items: string[]): this {
    if (items.length) this.parts.push(items.map((i) => `- ${i}`).join('\n'))
    return this
  }

  toString(): string {
    return this.parts.join('\n\n') + '\n'
  }

  /**
   * Appends to `$GITHUB_STEP_SUMMARY`; a runner without one just skips it. Marks the run's summary
   * as written, so the run wrapper does not write a second one on failure.
   */
  async write(): Promise<void> {
    runReport.summaryWritten = true
    if (!process.env.GITHUB_STEP_SUMMARY) return
    await core.summary.addRaw(this.toString(), true).write()
  }
}
