import * as core from '@actions/core'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { createClient } from '#shared/asc/connection.js'
import { ApiError } from '#shared/asc/errors.js'
import type { AscClient } from '#shared/asc/client.js'
import { group, setOutputs } from '#shared/outputs.js'
import { runAction } from '#shared/run.js'
import { Summary } from '#shared/summary.js'
import { ConfigurationError } from '#shared/errors.js'
import { checkOutputFile } from '#shared/local-paths.js'
import { serverText } from '#shared/log.js'
import { runReport } from '#shared/report.js'
import { dryRun } from './dry-run.js'
import { readSettings, type ApiSettings } from './settings.js'

/** GitHub keeps a step output to 1 MB; bigger answers go to a file instead. */
const MAX_OUTPUT = 1_000_000

interface Answer {
  status: number
  json?: unknown
  bytes?: Buffer
  pages: number
  items?: number
}

async function call(client: AscClient, s: ApiSettings): Promise<Answer> {
  const { method, path, op } = s.operation
  if (s.paginate) {
    const merged = await client.all(path, s.query)
    return {
      status: 200,
      json: {
        data: merged.data,
        included: merged.included.length ? merged.included : undefined,
        meta: { paging: { total: merged.data.length } }
      },
      pages: merged.pages,
      items: merged.data.length
    }
  }
  const accept = op.r && op.r !== 'none' ? op.r : 'application/json'
  const res = await client.request(method, path, {
    query: s.query,
    body: s.body,
    accept,
    // A report answered as it comes (gzip) may be larger than a JSON answer; it is still bounded.
    maxBytes: accept.includes('json') ? undefined : MAX_DECOMPRESSED,
    // A POST that creates is not resent after a lost answer; the user can rerun the step.
    idempotent: method !== 'POST'
  })
  const data = res.data as { data?: unknown } | undefined
  return {
    status: res.status,
    json: res.data,
    bytes: res.bytes?.length ? res.bytes : undefined,
    pages: 1,
    items: Array.isArray(data?.data) ? data.data.length : undefined
  }
}

/** The most `decompress` inflates: a report is far smaller; a bomb is refused. */
export const MAX_DECOMPRESSED = 128 * 1024 * 1024

function gunzip(bytes: Buffer): Buffer {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b)
    throw new ConfigurationError(
      `the answer is not gzip (it starts with ${bytes.subarray(0, 4).toString('hex') || 'nothing'}), so there is nothing to decompress: set decompress to false for this operation.`,
      'decompress'
    )
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_DECOMPRESSED })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new ConfigurationError(
      code === 'ERR_BUFFER_TOO_LARGE'
        ? `the answer inflates to more than ${MAX_DECOMPRESSED / 1048576} MiB; it was not written. Set decompress to false to save it as it came.`
        : `the answer is damaged gzip (${serverText((error as Error).message, 100)}); set decompress to false to save it as it came.`,
      'decompress'
    )
  }
}

export async function run(): Promise<void> {
  return runAction('api', main, TITLE)
}

const TITLE = 'App Store Connect API'

async function main(): Promise<void> {
  const settings = readSettings()
  const { method, path } = settings.operation
  const client = createClient(settings.connection, 'api')
  if (settings.dryRun) {
    await dryRun(client, settings)
    return
  }
  // Checked before the request: a POST must not be made only for its answer to have nowhere to go.
  if (settings.outputFile) checkOutputFile(settings.outputFile, 'output-file')
  let answer: Answer
  try {
    answer = await group(`${method} ${path}`, () => call(client, settings))
    runReport.step(`${method} ${path} answered ${answer.status}`)
  } catch (error) {
    if (error instanceof ApiError) setOutputs({ status: String(error.status) })
    throw error
  }
  const json = answer.json === undefined ? undefined : JSON.stringify(answer.json)
  let outputFile = settings.outputFile
  if (!outputFile && json && json.length > MAX_OUTPUT) {
    outputFile = join(process.env.RUNNER_TEMP ?? '.', 'app-store-connect-response.json')
    const text = `The answer is ${(json.length / 1e6).toFixed(1)} MB, over GitHub's 1 MB limit for an output: it was written to ${outputFile} (see the output-file output) instead of the json output. Set output-file to choose the path.`
    core.warning(text, { title: 'Answer written to a file' })
    runReport.warn(text)
  }
  let written: number | undefined
  if (outputFile) {
    let bytes = answer.bytes ?? Buffer.from(json ?? '')
    if (settings.decompress) bytes = gunzip(bytes)
    await mkdir(dirname(outputFile), { recursive: true })
    await writeFile(outputFile, bytes)
    written = bytes.length
  }
  setOutputs({
    status: String(answer.status),
    json: json && json.length <= MAX_OUTPUT ? json : undefined,
    'output-file': outputFile
  })
  const line = `${method} ${path}: ${answer.status}${answer.items !== undefined ? `, ${answer.items} item(s)` : ''}${settings.paginate ? ` from ${answer.pages} page(s)` : ''}${written !== undefined ? `, ${written} bytes written to ${outputFile}` : ''}`
  core.info(`${serverText(line, 2000)}; ${client.stats.requests} request(s).`)
  const warned = runReport.warnings.length > 0
  await new Summary()
    .heading(TITLE)
    .status(warned ? 'warn' : 'ok', `${method} ${path} answered ${answer.status}.`)
    .facts([
      ['Status', answer.status],
      ['Items', answer.items],
      ['Pages', settings.paginate ? answer.pages : undefined],
      ['Written to', written !== undefined ? `${outputFile} (${written} bytes)` : undefined]
    ])
    .list(runReport.warnings.map((w) => `⚠️ ${w}`))
    .details(
      'Requests',
      `${client.stats.requests} request(s) to App Store Connect${client.stats.retries ? `, ${client.stats.retries} retried` : ''}.`
    )
    .write()
  core.notice(`${method} ${path} answered ${answer.status}.`, { title: TITLE })
}
