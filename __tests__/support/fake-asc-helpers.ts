// Plain-fetch helpers for the fake App Store Connect's own tests.
import type { FakeAsc, TestKey } from '../../tools/fake-asc/index.js'

export interface CallResult {
  status: number
  headers: Headers
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any
  bytes: Buffer
}

export interface CallOptions {
  body?: unknown
  key?: TestKey
  /** a ready token; null sends no Authorization header */
  token?: string | null
  headers?: Record<string, string>
}

export async function call(
  fake: FakeAsc,
  method: string,
  pathOrUrl: string,
  opts: CallOptions = {}
): Promise<CallResult> {
  const token = opts.token === undefined ? await fake.token(opts.key) : opts.token
  const headers: Record<string, string> = { ...(opts.headers ?? {}) }
  if (token !== null) headers.authorization = `Bearer ${token}`
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : fake.url + pathOrUrl
  const res = await fetch(url, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body)
  })
  const bytes = Buffer.from(await res.arrayBuffer())
  let json: unknown
  if ((res.headers.get('content-type') ?? '').includes('json') && bytes.length) {
    json = JSON.parse(bytes.toString('utf8'))
  }
  return { status: res.status, headers: res.headers, json, bytes }
}
