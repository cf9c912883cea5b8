import * as core from '@actions/core'

/** The one logger shape every module takes (the client, the executors, the caches). */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  /** An annotation; `title` heads it (default `App Store Connect`). Matches `core.warning`. */
  warning(message: string, properties?: { title?: string }): void
}

/** The runner's log: `core.debug`, `core.info` and `core.warning` annotations. */
export const actionsLogger: Logger = {
  debug: (m) => core.debug(m),
  info: (m) => core.info(m),
  warning: (m, properties) => core.warning(m, { title: 'App Store Connect', ...properties })
}

const MAX_ECHO = 300

/**
 * Text that came from App Store Connect (or any other outside source: file contents, a server's
 * answer), made safe to print in a log line: line breaks and other control characters become
 * spaces, so nothing can start a line of its own; `::` and `##[` are broken up with a zero-width
 * space, so no workflow command can be formed; and it is cut to `max` characters.
 */
export function serverText(value: unknown, max = MAX_ECHO): string {
  let text = String(value ?? '')
  if (text.length > max) text = `${text.slice(0, max)}… (${text.length - max} more characters)`
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ')
      .replace(/::/g, ':\u200b:')
      .replace(/##\[/g, '#\u200b#[')
  )
}
