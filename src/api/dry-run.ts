// `dry-run: true`: the request is validated exactly as for a real call (readSettings did that),
// then shown (method, full URL with the query, body) in the log and the job summary, and not sent.
// The token is never minted, so it cannot be printed.
import * as core from '@actions/core'
import type { AscClient } from '#shared/asc/client.js'
import { serverText } from '#shared/log.js'
import { Summary } from '#shared/summary.js'
import type { ApiSettings } from './settings.js'

export interface PlannedRequest {
  method: string
  /** the full URL, query included, as it would be sent */
  url: string
  body?: unknown
  /** with paginate: the first page; the next ones follow `links.next` */
  paginate: boolean
}

export function plannedRequest(client: AscClient, s: ApiSettings): PlannedRequest {
  const { method, path } = s.operation
  const url = client.url(path, s.query).toString()
  return { method, url, ...(s.body !== undefined ? { body: s.body } : {}), paginate: s.paginate }
}

export async function dryRun(client: AscClient, s: ApiSettings): Promise<PlannedRequest> {
  const request = plannedRequest(client, s)
  const body = request.body !== undefined ? JSON.stringify(request.body, null, 2) : undefined
  const line = `${request.method} ${request.url}`
  core.info(`Dry run: this request would be sent (nothing was sent):`)
  core.info(serverText(line, 4000))
  if (body) for (const l of body.split('\n')) core.info(serverText(l, 4000))
  if (request.paginate) core.info('…then one request per further page, following links.next.')
  core.notice(`${line} is valid for Apple's API; dry run, nothing was sent.`, {
    title: 'api dry run'
  })
  const fence = '```'
  const summary = new Summary()
    .heading('App Store Connect API', 2)
    .text(`✅ Dry run: \`${request.method} ${s.operation.op.p}\` is valid; nothing was sent.`)
    .text(
      `${fence}http\n${line}${body ? `\ncontent-type: application/json\n\n${body}` : ''}\n${fence}`
    )
  if (request.paginate) summary.text('With paginate, further pages follow `links.next`.')
  await summary.write()
  return request
}
