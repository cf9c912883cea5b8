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

export async function run(): Promise<void> {
  return runAction('api', async () => {
    const settings = readSettings()
    const { method, path } = settings.operation
    const client = createClient(settings.connection, 'api')
    if (settings.dryRun) {
      await dryRun(client, settings)
      return
    }
    let answer: Answer
    try {
      answer = await group(`${method} ${path}`, () => call(client, settings))
    } catch (error) {
      if (error instanceof ApiError) setOutputs({ status: String(error.status) })
      throw error
    }
    const json = answer.json === undefined ? undefined : JSON.stringify(answer.json)
    let outputFile = settings.outputFile
    if (!outputFile && json && json.length > MAX_OUTPUT) {
      outputFile = join(process.env.RUNNER_TEMP ?? '.', 'app-store-connect-response.json')
      core.warning(
        `The answer is ${(json.length / 1e6).toFixed(1)} MB, over GitHub's 1 MB limit for an output: it was written to ${outputFile} (see the output-file output) instead of the json output. Set output-file to choose the path.`
      )
    }
    let written: number | undefined
    if (outputFile) {
      let bytes = answer.bytes ?? Buffer.from(json ?? '')
      if (answer.bytes && settings.decompress) bytes = gunzipSync(answer.bytes)
      await mkdir(dirname(outputFile), { recursive: true })
      await writeFile(outputFile, bytes)
      written = bytes.length
    }
    setOutputs({
      status: String(answer.status),
      json: json && json.length <= MAX_OUTPUT ? json : undefined,
      'output-file': outputFile
    })
    core.info(
      `${method} ${path}: ${answer.status}${answer.items !== undefined ? `, ${answer.items} item(s)` : ''}${settings.paginate ? ` from ${answer.pages} page(s)` : ''}${written !== undefined ? `, ${written} bytes written to ${outputFile}` : ''}; ${client.stats.requests} request(s).`
    )
    await new Summary()
      .heading(`App Store Connect: ${method} ${path}`, 3)
      .facts([
        ['Status', answer.status],
        ['Items', answer.items],
        ['Pages', settings.paginate ? answer.pages : undefined],
        ['Requests', client.stats.requests],
        ['Retries', client.stats.retries || undefined],
        ['Written to', written !== undefined ? `${outputFile} (${written} bytes)` : undefined]
      ])
      .write()
  })
}
