import { ConfigurationError } from '#shared/errors.js'
import { Inputs } from '#shared/inputs.js'
import { readConnectionSettings, type ConnectionSettings } from '#shared/asc/connection.js'
import { bodySchemas, operationIndex } from '#shared/asc/operations.js'
import {
  checkRequest,
  isPageable,
  parseQuery,
  resolveOperation,
  type ResolvedOperation
} from './operation.js'

/** Everything the `api` action needs, checked against Apple's document before any request. */
export interface ApiSettings {
  connection: ConnectionSettings
  /** The operation and concrete path. */
  operation: ResolvedOperation
  /** Query parameters as sent (lists comma-joined). */
  query: Record<string, string>
  /** The JSON body, for operations that take one. */
  body?: unknown
  /** Follow `links.next` and merge `data` and `included` of every page. */
  paginate: boolean
  /** Write the response body (raw bytes for gzip reports, JSON otherwise) to this path. */
  outputFile?: string
  /** Gunzip a gzip answer before writing it to `output-file`. */
  decompress: boolean
  /** `dry-run`: validate and show the request that would be sent; send nothing. */
  dryRun: boolean
}

export function readSettings(inputs = new Inputs()): ApiSettings {
  const connection = readConnectionSettings(inputs)
  const operation = resolveOperation(
    operationIndex,
    inputs.required('operation', "e.g. 'GET /v1/apps'")
  )
  const query = { ...operation.inlineQuery, ...parseQuery(inputs.optional('query')) }
  const body = inputs.json('body')
  const paginate = inputs.boolean('paginate', false)
  const outputFile = inputs.optional('output-file')
  const decompress = inputs.boolean('decompress', false)
  const dryRun = inputs.boolean('dry-run', false)
  if (paginate && !isPageable(operation.op))
    throw new ConfigurationError(
      `${operation.op.m} ${operation.op.p} does not return pages; set paginate to false.`,
      'paginate'
    )
  if (paginate && query.limit === undefined) {
    const max = operation.op.q?.find((p) => p.n === 'limit')?.max
    query.limit = String(max ?? 200)
  }
  checkRequest(operationIndex, bodySchemas, operation.op, query, body)
  return { connection, operation, query, body, paginate, outputFile, decompress, dryRun }
}
