import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { request } from 'node:http'
import { gunzipSync } from 'node:zlib'
import {
  AscError,
  registerDomain,
  startFakeAsc,
  type Domain,
  type FakeAsc
} from '../../../tools/fake-asc/index.js'
import {
  financeReportGzip,
  reportsState,
  salesReportGzip,
  salesReportTsv
} from '../../../tools/fake-asc/domains/reports.js'
import { call } from '../../support/fake-asc-helpers.js'

let fake: FakeAsc
let appId: string

beforeAll(async () => {
  fake = await startFakeAsc()
  appId = fake.store.create('apps', { name: 'Demo', bundleId: 'com.example.demo', sku: 'DEMO' }).id
})
afterAll(() => fake.close())

function takeViolations(): string[] {
  const v = [...fake.violations]
  fake.violations.length = 0
  return v
}

describe('fake ASC: OpenAPI validation', () => {
  it('refuses an unknown query parameter with PARAMETER_ERROR.ILLEGAL and records it', async () => {
    const r = await call(fake, 'GET', '/v1/apps?filter[bundleID]=x')
    expect(r.status).toBe(400)
    expect(r.json.errors[0]).toMatchObject({
      status: '400',
      code: 'PARAMETER_ERROR.ILLEGAL',
      source: { parameter: 'filter[bundleID]' }
    })
    expect(takeViolations()).toEqual([
      expect.stringMatching(
        /^GET \/v1\/apps: 'filter\[bundleID\]' is not a parameter.*did you mean 'filter\[bundleId\]'/
      )
    ])
  })

  it('refuses a value outside an enum', async () => {
    const r = await call(fake, 'GET', '/v1/builds?filter[processingState]=DONE')
    expect(r.status).toBe(400)
    expect(r.json.errors[0].source).toEqual({ parameter: 'filter[processingState]' })
    expect(takeViolations()[0]).toMatch(/'DONE' is not a valid value/)
  })

  it('refuses a repeated parameter (Apple wants comma lists)', async () => {
    const r = await call(fake, 'GET', '/v1/apps?filter[sku]=a&filter[sku]=b')
    expect(r.status).toBe(400)
    expect(takeViolations()[0]).toMatch(/repeated/)
  })

  it('refuses a body member Apple does not define, with a pointer (409 like Apple)', async () => {
    const r = await call(fake, 'POST', '/v1/userInvitations', {
      body: {
        data: {
          type: 'userInvitations',
          attributes: {
            email: 'x@example.com',
            firstName: 'X',
            lastName: 'Y',
            roles: ['ADMIN'],
            nickname: 'x'
          }
        }
      }
    })
    expect(r.status).toBe(409)
    expect(r.json.errors[0]).toMatchObject({
      status: '409',
      code: 'ENTITY_ERROR.ATTRIBUTE.UNKNOWN',
      source: { pointer: '/data/attributes/nickname' }
    })
    expect(takeViolations()).toEqual([
      expect.stringMatching(
        /^POST \/v1\/userInvitations: \/data\/attributes\/nickname: not defined by the schema/
      )
    ])
    expect(fake.store.list('userInvitations')).toEqual([])
  })

  it('refuses a missing body, a body where none is taken, and JSON that does not parse', async () => {
    const none = await call(fake, 'POST', '/v1/userInvitations')
    expect(none.status).toBe(400)
    // fetch refuses a GET with a body: send one with node:http
    const token = await fake.token()
    const extra = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${fake.url}/v1/apps`,
        {
          method: 'GET',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': '7'
          }
        },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        }
      )
      req.on('error', reject)
      req.end('{"x":1}')
    })
    expect(extra).toBe(400)
    const bad = await fetch(`${fake.url}/v1/userInvitations`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await fake.token()}`,
        'content-type': 'application/json'
      },
      body: '{"data": '
    })
    expect(bad.status).toBe(400)
    const patchWithoutBody = await fetch(`${fake.url}/v1/apps/${appId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${await fake.token()}`, 'content-type': 'application/json' }
    })
    expect(patchWithoutBody.status).toBe(400)
    const v = takeViolations()
    expect(v).toHaveLength(4)
    expect(v[0]).toMatch(/requires a JSON body/)
    expect(v[1]).toMatch(/GET \/v1\/apps takes no body/)
    expect(v[2]).toMatch(/not valid JSON/)
    expect(v[3]).toMatch(/PATCH \/v1\/apps\/\{id\} requires a JSON body/)
  })

  it('answers 404 for an unknown path and 405 for a method the path lacks', async () => {
    const r = await call(fake, 'GET', '/v1/appz')
    expect(r.status).toBe(404)
    expect(r.json.errors[0].code).toBe('PATH_ERROR')
    const m = await call(fake, 'DELETE', `/v1/apps/${appId}`)
    expect(m.status).toBe(405)
    expect(m.json.errors[0].code).toBe('METHOD_NOT_ALLOWED')
    const v = takeViolations()
    expect(v[0]).toMatch(/GET \/v1\/appz: no such path/)
    expect(v[1]).toMatch(/allows GET, PATCH, not DELETE/)
  })

  it('with validate: false records nothing and applies filters as the engine knows them', async () => {
    const loose = await startFakeAsc({ validate: false })
    try {
      loose.store.create('builds', { version: '1', processingState: 'VALID' })
      const r = await call(loose, 'GET', '/v1/builds?filter[processingState]=VALI&bogus=1')
      expect(r.status).toBe(200)
      expect(r.json.data).toEqual([]) // enums match exactly
      expect(
        (await call(loose, 'GET', '/v1/builds?filter[processingState]=VALID')).json.data
      ).toHaveLength(1)
      expect((await call(loose, 'GET', '/v1/appz')).status).toBe(404)
      expect(loose.violations).toEqual([])
    } finally {
      await loose.close()
    }
  })

  it('answers every GET of the document without crashing (200, or 404 for an unknown id)', async () => {
    const statuses = new Map<number, number>()
    for (const info of fake.model.ops.values()) {
      if (info.op.m !== 'GET' || info.op.q?.some((q) => q.r)) continue
      const r = await call(fake, 'GET', info.op.p.replace('{id}', 'nope'))
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
    }
    expect([...statuses.keys()].sort()).toEqual([200, 404])
    expect(takeViolations()).toEqual([])
  })
})

describe('fake ASC: reports', () => {
  const sales = {
    'filter[vendorNumber]': '85512345',
    'filter[reportType]': 'SALES',
    'filter[reportSubType]': 'SUMMARY',
    'filter[frequency]': 'DAILY',
    'filter[reportDate]': '2026-11-20'
  }

  it('answers a sales report as gzip bytes equal to salesReportGzip()', async () => {
    const r = await call(fake, 'GET', `/v1/salesReports?${new URLSearchParams(sales)}`)
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toBe('application/a-gzip')
    expect(r.bytes.equals(salesReportGzip(sales))).toBe(true)
    const tsv = gunzipSync(r.bytes).toString('utf8')
    expect(tsv).toBe(salesReportTsv(sales))
    expect(tsv.split('\n')[0]).toMatch(/^Provider\tProvider Country\tSKU/)
    expect(tsv).toMatch(/\t11\/20\/2026\t11\/20\/2026\t/)
    const other = salesReportGzip({ ...sales, 'filter[reportDate]': '2026-11-19' })
    expect(other.equals(r.bytes)).toBe(false)
  })

  it('answers a finance report', async () => {
    const q = {
      'filter[vendorNumber]': '85512345',
      'filter[reportType]': 'FINANCIAL',
      'filter[regionCode]': 'US',
      'filter[reportDate]': '2026-10'
    }
    const r = await call(fake, 'GET', `/v1/financeReports?${new URLSearchParams(q)}`)
    expect(r.status).toBe(200)
    expect(r.bytes.equals(financeReportGzip(q))).toBe(true)
    expect(gunzipSync(r.bytes).toString()).toMatch(/^Start Date\tEnd Date/)
  })

  it('answers 400 PARAMETER_ERROR for missing filters (a violation when validating)', async () => {
    const r = await call(
      fake,
      'GET',
      '/v1/salesReports?filter[vendorNumber]=1&filter[reportType]=SALES'
    )
    expect(r.status).toBe(400)
    expect(r.json.errors.map((e: { source: { parameter: string } }) => e.source.parameter)).toEqual(
      ['filter[reportSubType]', 'filter[frequency]']
    )
    expect(takeViolations()).toHaveLength(2)
    const loose = await startFakeAsc({ validate: false })
    try {
      const l = await call(loose, 'GET', '/v1/financeReports?filter[vendorNumber]=1')
      expect(l.status).toBe(400)
      expect(l.json.errors[0]).toMatchObject({
        code: 'PARAMETER_ERROR.REQUIRED',
        source: { parameter: 'filter[reportType]' }
      })
      expect(l.json.errors).toHaveLength(3)
    } finally {
      await loose.close()
    }
  })

  it('refuses a date that does not fit the frequency, and 404s a day without sales', async () => {
    const bad = await call(
      fake,
      'GET',
      `/v1/salesReports?${new URLSearchParams({ ...sales, 'filter[frequency]': 'MONTHLY' })}`
    )
    expect(bad.status).toBe(400)
    expect(bad.json.errors[0].source).toEqual({ parameter: 'filter[reportDate]' })
    reportsState(fake).noDataDates.add('2026-11-20')
    const none = await call(fake, 'GET', `/v1/salesReports?${new URLSearchParams(sales)}`)
    expect(none.status).toBe(404)
    expect(none.json.errors[0].code).toBe('NOT_FOUND')
    reportsState(fake).noDataDates.clear()
    expect(takeViolations()).toEqual([])
  })
})

describe('fake ASC: domains', () => {
  it('runs read, create, update, filter and relationship hooks, and custom routes', async () => {
    const seen: string[] = []
    const domain: Domain = {
      name: 'test-domain',
      setup(f) {
        f.state['test-domain'] = { uploads: 0 }
      },
      resources: {
        betaGroups: {
          read(view) {
            view.attributes.publicLink = view.attributes.publicLinkEnabled
              ? `https://testflight.apple.com/join/${view.id.slice(0, 8)}`
              : null
          },
          beforeCreate(input, ctx) {
            if (ctx.store.find('betaGroups', { name: input.attributes.name })) {
              throw new AscError(
                409,
                'ENTITY_ERROR.ATTRIBUTE.INVALID',
                'A group with this name already exists.',
                {
                  pointer: '/data/attributes/name'
                }
              )
            }
            input.attributes.createdDate = new Date(ctx.now).toISOString()
          },
          afterCreate(group) {
            seen.push(`created ${group.attributes.name}`)
          },
          beforeRelationshipChange(owner, rel, action, targets) {
            seen.push(`${action} ${rel} ${targets?.length}`)
          },
          filters: {
            isInternalGroup: (view, values) =>
              values.includes(String(view.attributes.isInternalGroup ?? false))
          }
        }
      },
      routes: [
        {
          // an API route: token, rate limit and validation apply; falls through when it returns undefined
          method: 'GET',
          path: '/v1/apps/{id}/builds',
          handle(ctx) {
            if (ctx.query.limit !== '1') return undefined
            return ctx.fake.collectionReply(ctx, ctx.store.list('builds').reverse())
          }
        },
        {
          method: 'PUT',
          path: '/upload/{token}',
          handle(ctx) {
            ;(ctx.fake.state['test-domain'] as { uploads: number }).uploads += ctx.rawBody.length
            return { status: 200, body: '', headers: { etag: `"${ctx.pathParams.token}"` } }
          }
        }
      ]
    }
    const f = await startFakeAsc({ domains: [] })
    try {
      registerDomain(f, domain)
      const app = f.store.create('apps', { name: 'A', bundleId: 'com.example.a', sku: 'A' })
      const body = {
        data: {
          type: 'betaGroups',
          attributes: { name: 'QA', publicLinkEnabled: true },
          relationships: { app: { data: { type: 'apps', id: app.id } } }
        }
      }
      const created = await call(f, 'POST', '/v1/betaGroups', { body })
      expect(created.status).toBe(201)
      expect(created.json.data.attributes.publicLink).toMatch(
        /^https:\/\/testflight\.apple\.com\/join\//
      )
      expect(created.json.data.attributes.createdDate).toBeDefined()
      expect(f.store.list('betaGroups')[0].attributes.publicLink).toBeUndefined() // computed, not stored
      const dup = await call(f, 'POST', '/v1/betaGroups', { body })
      expect(dup.status).toBe(409)
      expect(dup.json.errors[0].source).toEqual({ pointer: '/data/attributes/name' })
      const filtered = await call(f, 'GET', '/v1/betaGroups?filter[isInternalGroup]=false')
      expect(filtered.json.data).toHaveLength(1)
      const build = f.store.create('builds', { version: '1' }, { app })
      await call(f, 'POST', `/v1/betaGroups/${created.json.data.id}/relationships/builds`, {
        body: { data: [{ type: 'builds', id: build.id }] }
      })
      expect(seen).toEqual(['created QA', 'add builds 1'])
      const newer = f.store.create('builds', { version: '2' }, { app })
      const custom = await call(f, 'GET', `/v1/apps/${app.id}/builds?limit=1`)
      expect(custom.json.data.map((b: { id: string }) => b.id)).toEqual([newer.id])
      expect(custom.json.meta.paging).toMatchObject({ total: 2, limit: 1 })
      const generic = await call(f, 'GET', `/v1/apps/${app.id}/builds`)
      expect(generic.json.data.map((b: { id: string }) => b.id)).toEqual([build.id, newer.id])
      expect(
        (await call(f, 'GET', `/v1/apps/${app.id}/builds?limit=1`, { token: null })).status
      ).toBe(401)
      const put = await fetch(`${f.url}/upload/abc`, { method: 'PUT', body: Buffer.alloc(1024, 1) })
      expect(put.status).toBe(200)
      expect(put.headers.get('etag')).toBe('"abc"')
      expect(put.headers.get('x-rate-limit')).toBeNull()
      expect(f.state['test-domain']).toEqual({ uploads: 1024 })
      expect(f.requests.at(-1)).toMatchObject({
        api: false,
        authorized: false,
        hasAuthorizationHeader: false,
        bodyBytes: 1024
      })
      expect(f.changingRequests().every((r) => r.path.startsWith('/v1/'))).toBe(true)
      expect(f.violations).toEqual([])
    } finally {
      await f.close()
    }
  })

  it('exposes violations and requests to other processes on /__fake/', async () => {
    await call(fake, 'GET', '/v1/apps?nope=1')
    const v = await (await fetch(`${fake.url}/__fake/violations`)).json()
    expect(v).toEqual([expect.stringMatching(/nope/)])
    const reqs = (await (await fetch(`${fake.url}/__fake/requests`)).json()) as { path: string }[]
    expect(reqs.some((r) => r.path === '/v1/apps')).toBe(true)
    takeViolations()
  })
})
