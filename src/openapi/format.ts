// Plain-text output: aligned columns and short lists, for a terminal.

/** Aligns rows into columns separated by two spaces (the last column is not padded). */
export function columns(rows: string[][], indent = ''): string {
  const widths: number[] = []
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)))
  return rows
    .map((row) => indent + row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd())
    .join('\n')
}

/** The first `max` values, then how many more. */
export function brief(values: readonly string[], max = 8): string {
  return values.length <= max ? values.join(', ') : `${values.slice(0, max).join(', ')}, … (${values.length} in all)`
}

/** What a command answers: the text for a terminal and the value `--json` prints. */
export interface Answer {
  text: string
  json: unknown
}

/** Plain code-point order, for ties: `localeCompare` (ICU) costs tens of milliseconds to start. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
