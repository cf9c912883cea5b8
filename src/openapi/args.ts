// The explorer's command line: a command, its words, and the options every command takes.
import { ExplorerError } from './errors.js'

export interface Args {
  command?: string
  /** the words after the command */
  words: string[]
  /** print machine-readable JSON */
  json: boolean
  /** another version of Apple's document: its JSON, or the zip Apple publishes */
  spec?: string
  /** how many search results */
  limit?: number
  help: boolean
}

/** Parses `<command> [words…] [--json] [--spec <file>] [--limit <n>] [--help]`. */
export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { words: [], json: false, help: false }
  let positionalOnly = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (positionalOnly || arg === '-' || !arg.startsWith('-')) {
      if (args.command === undefined) args.command = arg
      else args.words.push(arg)
      continue
    }
    const [flag, inline] = arg.startsWith('--') ? splitFlag(arg) : [arg, undefined]
    const value = (): string => {
      const v = inline ?? argv[++i]
      if (v === undefined || v === '') throw new ExplorerError(`${flag} needs a value`, 2)
      return v
    }
    if (flag === '--json') args.json = true
    else if (flag === '--help' || flag === '-h') args.help = true
    else if (flag === '--spec') args.spec = value()
    else if (flag === '--limit') {
      const v = value()
      if (!/^[1-9]\d*$/.test(v)) throw new ExplorerError(`--limit must be a positive integer, not '${v}'`, 2)
      args.limit = Number(v)
    } else if (arg === '--') positionalOnly = true
    else
      throw new ExplorerError(`unknown option '${arg}' (options: --json, --spec <file>, --limit <n>, --help)`, 2)
  }
  return args
}

function splitFlag(arg: string): [string, string | undefined] {
  const at = arg.indexOf('=')
  return at < 0 ? [arg, undefined] : [arg.slice(0, at), arg.slice(at + 1)]
}
