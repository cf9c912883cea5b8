import * as core from '@actions/core'
import { ConfigurationError } from './errors.js'
import { formatDuration, parseDuration } from './duration.js'
import { serverText } from './log.js'

/** How much of an input's value an error message echoes back. */
export const MAX_ECHOED_INPUT = 100

/**
 * An input's value as an error message may echo it: cut to `max` characters (a 100,000-character
 * value is not printed whole) and neutralised, so it can never start a workflow command.
 */
export function echo(value: string, max = MAX_ECHOED_INPUT): string {
  return serverText(value, max)
}

/** Durations the shared inputs accept at most, by what they are for (see `Inputs.duration`). */
export const DURATION_MAX = {
  /** `poll-interval` */
  poll: 3_600_000,
  /** `processing-timeout` and other waits */
  timeout: 86_400_000,
  /** `review-timeout`: Apple's review can take days */
  review: 14 * 86_400_000
} as const

/** Reads one raw input by its action.yml name; undefined when it is not set. */
export type InputReader = (name: string) => string | undefined

/** How the runner passes inputs: `INPUT_<NAME>` with spaces as underscores, hyphens kept. */
export const runnerInputs: InputReader = (name) =>
  process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`]

const TRUE = ['true', 'yes', '1', 'on']
const FALSE = ['false', 'no', '0', 'off']

/**
 * The one set of input primitives every entry point builds its settings from. Each rejects a bad
 * value with a ConfigurationError that names the input and says what it accepts. Every name read is
 * recorded in `names`, so a test can compare what the settings read with what action.yml declares.
 */
export class Inputs {
  readonly names = new Set<string>()

  constructor(
    private readonly reader: InputReader = runnerInputs,
    private readonly env: NodeJS.ProcessEnv = process.env
  ) {}

  /** The trimmed value, the environment variable `envName` when the input is empty, or undefined. */
  optional(name: string, envName?: string): string | undefined {
    this.names.add(name)
    const value = this.reader(name)?.trim()
    if (value) return value
    const fromEnv = envName ? this.env[envName]?.trim() : undefined
    return fromEnv || undefined
  }

  required(name: string, hint = ''): string {
    const value = this.optional(name)
    if (value === undefined)
      throw new ConfigurationError(`is required${hint ? `: ${hint}` : '.'}`, name)
    return value
  }

  /** A secret: masked as soon as it is read, and each of its lines too. */
  secret(name: string, envName?: string): string | undefined {
    const value = this.optional(name, envName)
    if (value) mask(value)
    return value
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.optional(name)?.toLowerCase()
    if (value === undefined) return fallback
    if (TRUE.includes(value)) return true
    if (FALSE.includes(value)) return false
    throw new ConfigurationError(`must be true or false, not '${echo(value)}'.`, name)
  }

  /** `true`/`false`, or undefined when unset (e.g. "leave the build as it is"). */
  tristate(name: string): boolean | undefined {
    return this.optional(name) === undefined ? undefined : this.boolean(name, false)
  }

  integer(
    name: string,
    options: { fallback?: number; min?: number; max?: number } = {}
  ): number | undefined {
    const value = this.optional(name)
    if (value === undefined) return options.fallback
    if (!/^[+-]?\d+$/.test(value))
      throw new ConfigurationError(`must be a whole number, not '${echo(value)}'.`, name)
    const n = Number(value)
    const { min, max } = options
    if ((min !== undefined && n < min) || (max !== undefined && n > max)) {
      const range =
        min !== undefined && max !== undefined
          ? `from ${min} to ${max}`
          : min !== undefined
            ? `${min} or more`
            : `${max} or less`
      throw new ConfigurationError(`must be ${range}, not ${n}.`, name)
    }
    return n
  }

  /** One of `values`, compared case-insensitively; returned in its canonical spelling. */
  enumeration<T extends string>(name: string, values: readonly T[], fallback?: T): T | undefined {
    const value = this.optional(name)
    if (value === undefined) return fallback
    const found = values.find((v) => v.toLowerCase() === value.toLowerCase())
    if (!found)
      throw new ConfigurationError(
        `must be one of ${values.join(', ')}; got '${echo(value)}'.`,
        name
      )
    return found
  }

  /** Commas or new lines; blanks dropped, duplicates kept out, order kept. */
  list(name: string): string[] {
    const value = this.optional(name)
    if (value === undefined) return []
    return [
      ...new Set(
        value
          .split(/[,\n]/)
          .map((s) => s.trim())
          .filter(Boolean)
      )
    ]
  }

  /**
   * A duration in milliseconds: `500ms`, `90s`, `30m`, `2h`, `30d` or plain seconds. `max` (and
   * `min`) bound it, refused naming the input; give every wait or poll input its max (see
   * DURATION_MAX), so no value reaches a timer beyond what makes sense.
   */
  duration(
    name: string,
    fallback?: string,
    options: { min?: number; max?: number } = {}
  ): number | undefined {
    const value = this.optional(name) ?? fallback
    if (value === undefined) return undefined
    const ms = parseDuration(value)
    if (ms === undefined)
      throw new ConfigurationError(
        `'${echo(value)}' is not a duration: use 500ms, 90s, 30m, 2h, 30d or a number of seconds.`,
        name
      )
    if (options.max !== undefined && ms > options.max)
      throw new ConfigurationError(
        `'${echo(value)}' is too long: at most ${formatDuration(options.max)}.`,
        name
      )
    if (options.min !== undefined && ms < options.min)
      throw new ConfigurationError(
        `'${echo(value)}' is too short: at least ${formatDuration(options.min)}.`,
        name
      )
    return ms
  }

  /** Parsed JSON, or undefined when unset. */
  json(name: string): unknown {
    const value = this.optional(name)
    if (value === undefined) return undefined
    try {
      return JSON.parse(value)
    } catch (e) {
      throw new ConfigurationError(`is not valid JSON (${(e as Error).message}).`, name)
    }
  }
}

/** Masks a secret in the runner's logs: the whole value and every line of it. */
const masked = new Set<string>()

export function mask(value: string): void {
  for (const part of [value, ...value.split(/\r?\n|\\n/).map((l) => l.trim())]) {
    if (part.length < 8 || /^-----(BEGIN|END) /.test(part) || masked.has(part)) continue
    masked.add(part)
    core.setSecret(part)
  }
}
