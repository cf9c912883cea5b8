// app-store-connect-openapi: explore Apple's App Store Connect OpenAPI document from a terminal.
// Answers from the bundled model (no network, no node_modules) or from --spec <file>.
import { parseArgs, type Args } from './args.js'
import { diffAnswer } from './commands/diff.js'
import { operation } from './commands/operation.js'
import { resource } from './commands/resource.js'
import { resources } from './commands/resources.js'
import { schema } from './commands/schema.js'
import { search } from './commands/search.js'
import { summary } from './commands/summary.js'
import { ExplorerError } from './errors.js'
import type { Answer } from './format.js'
import { loadModel } from './load.js'

export const USAGE = `Usage: app-store-connect-openapi <command> [--json] [--spec <file>]

Commands:
  summary                      version and counts of operations, resources, schemas
  resources                    Apple's resource categories (tags) with their operation counts
  resource <name>              the operations of a resource, e.g. resource Builds
  operation "<METHOD> <path>"  parameters, enums, limits, paging and a body template,
                               e.g. operation "PATCH /v1/builds/{id}"
  schema <name>                attributes, types, enums, nullable, required, relationships
  search <words…>              ranked search, e.g. search beta group testers  [--limit <n>]
  diff <old> <new>             operations, parameters, enum values, attributes added/removed
                               (each a file, JSON or Apple's zip, or 'bundled')

Options:
  --json         machine-readable output
  --spec <file>  read another version of Apple's document (its JSON, or the zip Apple publishes)
                 instead of the bundled one`

export interface Io {
  out(text: string): void
  err(text: string): void
}

const stdio: Io = {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n')
}

function answer(args: Args): Answer {
  const text = args.words.join(' ')
  if (args.command === 'diff') {
    if (args.words.length !== 2)
      throw new ExplorerError("diff needs two documents: diff <old> <new> (a file, or 'bundled')", 2)
    const [from, to] = args.words
    return diffAnswer(loadModel(from).model, loadModel(to).model, from, to)
  }
  const loaded = loadModel(args.spec)
  const { model } = loaded
  switch (args.command) {
    case 'summary':
      return summary(loaded)
    case 'resources':
      return resources(model)
    case 'resource':
      return resource(model, text)
    case 'operation':
      return operation(model, text)
    case 'schema':
      return schema(model, text)
    case 'search':
      return search(model, text, args.limit)
    default:
      throw new ExplorerError(`unknown command '${args.command}'`, 2, [
        'summary',
        'resources',
        'resource',
        'operation',
        'schema',
        'search',
        'diff'
      ])
  }
}

/** Runs one command; sets the exit code (1 unknown name or unreadable file, 2 bad usage). */
export async function run(argv: readonly string[] = process.argv.slice(2), io: Io = stdio): Promise<number> {
  let json = argv.includes('--json')
  let code = 0
  try {
    const args = parseArgs(argv)
    json = args.json
    if (args.help || !args.command) {
      io.out(USAGE)
      code = args.command || args.help ? 0 : 2
    } else {
      const result = answer(args)
      io.out(json ? JSON.stringify(result.json, null, 2) : result.text)
    }
  } catch (error) {
    const e = error instanceof ExplorerError ? error : new ExplorerError(String((error as Error)?.stack ?? error), 1)
    code = e.exitCode
    if (json) io.err(JSON.stringify({ error: e.message, nearest: e.nearest }))
    else io.err(`error: ${e.message}${e.nearest.length ? `\nnearest: ${e.nearest.join(', ')}` : ''}${e.exitCode === 2 ? '\n(see --help)' : ''}`)
  }
  process.exitCode = code
  return code
}
