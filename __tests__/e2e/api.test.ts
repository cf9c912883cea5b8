import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { startFakeAsc, type FakeAsc } from '../../tools/fake-asc/index.js'
import { salesReportGzip } from '../../tools/fake-asc/domains/reports.js'
import {
  connectionInputs,
  expectNoSecrets,
  runBundle,
  type ActionRun
} from '../../tools/e2e-harness.js'

let fake: FakeAsc

beforeAll(async () => {
  fake = await startFakeAsc()
  for (let i = 0; i < 450; i++)
    fake.store.create('apps', {
      name: `App ${i}`,
      bundleId: `com.example.app${i}`,
      sku: `SKU${i}`,
      primaryLocale: 'en-US'
    })
})
afterAll(() => fake.close())

const auth = (kind: 'team' | 'individual' = 'team') => connectionInputs(fake, kind)

async function api(
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<ActionRun> {
  const run = await runBundle(
    'api',
    { ...auth(), ...inputs },
    { env, keepTemp: !!inputs['output-file'] }
  )
  expectNoSecrets(run, fake.keys.team.privateKey)
  return run
}

function requestsDuring<T>(fn: () => Promise<T>) {
  const before = fake.requests.length
  return fn().then((value) => ({ value, requests: fake.requests.slice(before) }))
}

describe('api action, run as a runner runs it', () => {
  it('merges every page of a collection with the fewest requests (200 a page)', async () => {
    const { value: run, requests } = await requestsDuring(() =>
      api({ operation: 'GET /v1/apps', paginate: 'true', query: 'fields[apps]=name,bundleId' })
    )
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    const json = JSON.parse(run.outputs.json)
    expect(json.data).toHaveLength(450)
    expect(new Set(json.data.map((a: { id: string }) => a.id)).size).toBe(450)
    expect(run.outputs.status).toBe('200')
    expect(requests).toHaveLength(3)
    expect(requests.every((r) => r.query.limit === '200' || r.query.cursor)).toBe(true)
    expect(run.summary).toMatch(/GET \/v1\/apps/)
    expect(fake.violations).toEqual([])
  })

  it('refuses an unknown operation with near matches, sending nothing', async () => {
    const { value: run, requests } = await requestsDuring(() => api({ operation: 'GET /v1/appz' }))
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(
      /Input 'operation': 'GET \/v1\/appz' is not an operation.*Nearest: GET \/v1\/apps/
    )
    expect(requests).toHaveLength(0)
  })

  it('refuses a bad enum or an over-limit query before sending', async () => {
    const { value: run, requests } = await requestsDuring(() =>
      api({
        operation: 'GET /v1/builds',
        query: '{"filter[processingState]": "DONE", "limit": 500}'
      })
    )
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(
      /Input 'query': 'DONE' is not a valid value of 'filter\[processingState\]'.*'limit' is 500; the maximum is 200/
    )
    expect(requests).toHaveLength(0)
  })

  it('sends a POST with a body and returns what was created', async () => {
    const body = {
      data: {
        type: 'userInvitations',
        attributes: {
          email: 'new.dev@example.com',
          firstName: 'New',
          lastName: 'Dev',
          roles: ['DEVELOPER'],
          allAppsVisible: true
        }
      }
    }
    const run = await api({ operation: 'POST /v1/userInvitations', body: JSON.stringify(body) })
    expect(run.errors).toEqual([])
    expect(run.outputs.status).toBe('201')
    const created = JSON.parse(run.outputs.json)
    expect(created.data.attributes.email).toBe('new.dev@example.com')
    expect(fake.store.get('userInvitations', created.data.id)).toBeDefined()
    expect(fake.violations).toEqual([])
  })

  it('refuses a body field Apple does not define, sending nothing', async () => {
    const body = {
      data: { type: 'userInvitations', attributes: { email: 'x@example.com', nickname: 'x' } }
    }
    const { value: run, requests } = await requestsDuring(() =>
      api({ operation: 'POST /v1/userInvitations', body: JSON.stringify(body) })
    )
    expect(run.errors[0]).toMatch(/Input 'body':.*\/data\/attributes\/nickname/)
    expect(requests).toHaveLength(0)
  })

  it('writes a gzip sales report byte for byte, and gunzipped on request', async () => {
    const query = {
      'filter[vendorNumber]': '85512345',
      'filter[reportType]': 'SALES',
      'filter[reportSubType]': 'SUMMARY',
      'filter[frequency]': 'DAILY',
      'filter[reportDate]': '2026-11-20'
    }
    const run = await api({
      operation: 'GET /v1/salesReports',
      query: JSON.stringify(query),
      'output-file': 'report.tsv.gz'
    })
    expect(run.errors).toEqual([])
    expect(run.outputs.status).toBe('200')
    expect(run.outputs.json).toBeUndefined()
    const written = readFileSync(join(run.temp, 'report.tsv.gz'))
    expect(written.equals(salesReportGzip(query))).toBe(true)
    const plain = await api({
      operation: 'GET /v1/salesReports',
      query: JSON.stringify(query),
      'output-file': 'report.tsv',
      decompress: 'true'
    })
    expect(readFileSync(join(plain.temp, 'report.tsv'), 'utf8')).toBe(
      gunzipSync(salesReportGzip(query)).toString('utf8')
    )
  })

  it('recovers from 429 (honouring Retry-After) and 503', async () => {
    fake.faults.add({ method: 'GET', path: '/v1/apps', kind: 'status', status: 429, retryAfter: 1 })
    fake.faults.add({ method: 'GET', path: '/v1/apps', kind: 'status', status: 503 })
    const { value: run, requests } = await requestsDuring(() =>
      api({ operation: 'GET /v1/apps', query: 'limit=5' })
    )
    expect(run.errors).toEqual([])
    expect(JSON.parse(run.outputs.json).data).toHaveLength(5)
    expect(requests.map((r) => r.status)).toEqual([429, 503, 200])
    expect(requests[1].time - requests[0].time).toBeGreaterThanOrEqual(1000)
  })

  it('re-signs once when a token is revoked mid-run', async () => {
    fake.faults.add({ method: 'GET', path: /\/v1\/apps/, kind: 'revoke' })
    const { value: run, requests } = await requestsDuring(() =>
      api({ operation: 'GET /v1/apps', paginate: 'true', query: 'fields[apps]=bundleId' })
    )
    expect(run.errors).toEqual([])
    expect(requests[0].status).toBe(401)
    expect(requests.slice(1).every((r) => r.status === 200)).toBe(true)
    expect(JSON.parse(run.outputs.json).data).toHaveLength(fake.store.list('apps').length)
  })

  it("writes an answer over GitHub's 1 MB output limit to a file instead, and says so", async () => {
    const run = await runBundle(
      'api',
      { ...auth(), operation: 'GET /v1/apps', paginate: 'true' },
      { keepTemp: true }
    )
    expect(run.errors).toEqual([])
    expect(run.outputs.json).toBeUndefined()
    expect(run.warnings.join('\n')).toMatch(/over GitHub's 1 MB limit/)
    const merged = JSON.parse(readFileSync(run.outputs['output-file'], 'utf8'))
    expect(merged.data).toHaveLength(fake.store.list('apps').length)
  })

  it('explains a 401 it cannot recover from, and never prints the key or a token', async () => {
    const other = fake.addKey({ label: 'unknown to the fake' })
    const run = await runBundle('api', {
      ...auth(),
      'key-id': 'WRONGKEY01',
      'private-key': other.privateKey,
      operation: 'GET /v1/apps'
    })
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(/401.*key-id.*issuer-id.*clock/)
    expect(run.outputs.status).toBe('401')
    expectNoSecrets(run, other.privateKey)
    // A summary on failure too: the heading, ❌ and the same message as the ::error::.
    expect(run.summary).toMatch(
      /^## App Store Connect API\n\n❌ App Store Connect answered 401 to GET \/v1\/apps/
    )
    expect(run.summary).toContain(run.errors[0].slice(0, 80))
  })

  it('summarises a success in the one style, with one notice and the request count collapsed', async () => {
    const run = await api({ operation: 'GET /v1/apps', query: 'limit=2' })
    expect(run.code).toBe(0)
    expect(run.summary).toMatch(/^## App Store Connect API\n\n✅ GET \/v1\/apps answered 200\./)
    expect(run.summary).toMatch(/<details><summary>Requests<\/summary>\n\n1 request\(s\)/)
    expect(run.stdout.match(/^::notice /gm)).toHaveLength(1)
  })

  it('takes its credentials from the environment, and refuses plain http to a non-loopback host', async () => {
    const key = fake.keys.team
    const env = {
      APP_STORE_CONNECT_KEY_ID: key.keyId,
      APP_STORE_CONNECT_ISSUER_ID: key.issuerId!,
      APP_STORE_CONNECT_PRIVATE_KEY: Buffer.from(key.privateKey).toString('base64'),
      APP_STORE_CONNECT_API_BASE_URL: fake.url
    }
    const ok = await runBundle('api', { operation: 'GET /v1/apps', query: 'limit=1' }, { env })
    expect(ok.errors).toEqual([])
    const refused = await runBundle(
      'api',
      { operation: 'GET /v1/apps', 'api-base-url': 'http://example.com' },
      { env }
    )
    expect(refused.errors[0]).toMatch(/Input 'api-base-url': 'http:\/\/example.com' is refused/)
  })
})

describe('api action with dry-run', () => {
  it('validates a PATCH and shows the request it would send, sending nothing', async () => {
    const build = fake.store.create('builds', { version: '7', expired: false })
    const body = { data: { type: 'builds', id: build.id, attributes: { expired: true } } }
    const { value: run, requests } = await requestsDuring(() =>
      api({
        operation: `PATCH /v1/builds/${build.id}`,
        body: JSON.stringify(body),
        'dry-run': 'true'
      })
    )
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(requests).toHaveLength(0)
    expect(run.stdout).toContain(`PATCH ${fake.url}/v1/builds/${build.id}`)
    expect(run.stdout).toContain('"expired": true')
    expect(run.summary).toMatch(
      /^## App Store Connect API\n\n✅ Dry run: `PATCH \/v1\/builds\/\{id\}` is valid; nothing was sent\./
    )
    expect(run.summary).toContain(
      `PATCH ${fake.url}/v1/builds/${build.id}\ncontent-type: application/json`
    )
    expect(run.outputs.status).toBeUndefined()
    expect(fake.store.get('builds', build.id)?.attributes.expired).toBe(false)
    expect(fake.violations).toEqual([])
  })

  it('prints the full URL with the query (first page of a paginated GET), sending nothing', async () => {
    const { value: run, requests } = await requestsDuring(() =>
      api({
        operation: 'GET /v1/apps',
        query: '{"filter[bundleId]": ["com.example.app1", "com.example.app2"]}',
        paginate: 'true',
        'dry-run': 'true'
      })
    )
    expect(run.errors).toEqual([])
    expect(requests).toHaveLength(0)
    const url = new URL(`${fake.url}/v1/apps`)
    url.searchParams.set('filter[bundleId]', 'com.example.app1,com.example.app2')
    url.searchParams.set('limit', '200')
    expect(run.stdout).toContain(`GET ${url.toString()}`)
    expect(run.summary).toContain(`GET ${url.toString()}`)
    expect(run.summary).toContain('links.next')
  })

  it('refuses what a real call would refuse, with the same error, sending nothing', async () => {
    const { value: run, requests } = await requestsDuring(() =>
      api({ operation: 'GET /v1/builds', query: 'limit=500', 'dry-run': 'true' })
    )
    expect(run.code).not.toBe(0)
    expect(run.errors).toEqual([
      expect.stringMatching(/Input 'query': 'limit' is 500; the maximum is 200/)
    ])
    expect(requests).toHaveLength(0)
  })
})
