import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startFakeAsc, type FakeAsc } from '../../../tools/fake-asc/index.js'
import { call } from '../../support/fake-asc-helpers.js'

let fake: FakeAsc
let appId: string

beforeAll(async () => {
  fake = await startFakeAsc()
  for (let i = 0; i < 3; i++)
    appId = fake.store.create('apps', {
      name: `App ${i}`,
      bundleId: `com.example.app${i}`,
      sku: `S${i}`
    }).id
})
afterAll(() => fake.close())

const invitation = (email: string) => ({
  data: {
    type: 'userInvitations',
    attributes: { email, firstName: 'F', lastName: 'L', roles: ['DEVELOPER'] }
  }
})

describe('fake ASC: faults', () => {
  it('answers an injected 429 with Retry-After, then behaves again', async () => {
    const fault = fake.faults.add({
      method: 'GET',
      path: '/v1/apps',
      kind: 'status',
      status: 429,
      retryAfter: 7
    })
    const r = await call(fake, 'GET', '/v1/apps')
    expect(r.status).toBe(429)
    expect(r.headers.get('retry-after')).toBe('7')
    expect(r.json.errors[0]).toMatchObject({ status: '429', code: 'RATE_LIMIT_EXCEEDED' })
    expect(fault.hits).toBe(1)
    expect((await call(fake, 'GET', '/v1/apps')).status).toBe(200)
    expect(fake.requests.at(-2)).toMatchObject({ status: 429, fault: 'status' })
  })

  it('answers 500 and 503 with Apple documents, 502 and 504 as a gateway would', async () => {
    for (const status of [500, 502, 503, 504])
      fake.faults.add({ path: '/v1/apps', kind: 'status', status })
    const got = []
    for (let i = 0; i < 4; i++) got.push(await call(fake, 'GET', '/v1/apps'))
    expect(got.map((r) => r.status)).toEqual([500, 502, 503, 504])
    expect(got[0].json.errors[0].code).toBe('UNEXPECTED_ERROR')
    expect(got[2].json.errors[0].code).toBe('SERVICE_UNAVAILABLE')
    expect(got[1].headers.get('content-type')).toBe('text/html')
    expect(got[3].bytes.toString()).toMatch(/Gateway Timeout/)
  })

  it('matches faults by method, exact path, template or RegExp, in order, `times` times', async () => {
    fake.faults.add({ method: 'POST', path: '/v1/apps', kind: 'status', status: 500 })
    fake.faults.add({ path: '/v1/apps/{id}', kind: 'status', status: 503, times: 2 })
    fake.faults.add({ path: /filter\[name\]=App%201/, kind: 'status', status: 500 })
    expect((await call(fake, 'GET', '/v1/apps')).status).toBe(200)
    expect((await call(fake, 'GET', `/v1/apps/${appId}`)).status).toBe(503)
    expect((await call(fake, 'GET', `/v1/apps/${appId}`)).status).toBe(503)
    expect((await call(fake, 'GET', `/v1/apps/${appId}`)).status).toBe(200)
    expect((await call(fake, 'GET', '/v1/apps?filter[name]=App%201')).status).toBe(500)
    expect(fake.faults.pending()).toHaveLength(1) // the POST one
    fake.faults.clear()
  })

  it('adds latency per fault and per fake', async () => {
    fake.faults.add({ path: '/v1/apps', kind: 'latency', ms: 300 })
    let t = Date.now()
    expect((await call(fake, 'GET', '/v1/apps')).status).toBe(200)
    expect(Date.now() - t).toBeGreaterThanOrEqual(290)
    const slow = await startFakeAsc({ latencyMs: 150 })
    try {
      t = Date.now()
      await call(slow, 'GET', '/v1/apps')
      expect(Date.now() - t).toBeGreaterThanOrEqual(140)
    } finally {
      await slow.close()
    }
  })

  it('drop: applies the request, then loses the answer', async () => {
    fake.faults.add({ method: 'POST', path: '/v1/userInvitations', kind: 'drop' })
    await expect(
      call(fake, 'POST', '/v1/userInvitations', { body: invitation('lost@example.com') })
    ).rejects.toThrow()
    expect(fake.store.list('userInvitations').map((u) => u.attributes.email)).toEqual([
      'lost@example.com'
    ])
    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', status: 0, fault: 'drop' })
    const retry = await call(fake, 'POST', '/v1/userInvitations', {
      body: invitation('lost@example.com')
    })
    expect(retry.status).toBe(409)
  })

  it('reset: destroys the connection before applying anything', async () => {
    fake.faults.add({ method: 'POST', kind: 'reset' })
    await expect(
      call(fake, 'POST', '/v1/userInvitations', { body: invitation('reset@example.com') })
    ).rejects.toThrow()
    expect(fake.store.find('userInvitations', { email: 'reset@example.com' })).toBeUndefined()
    expect(fake.requests.at(-1)).toMatchObject({ status: 0, fault: 'reset' })
    expect(
      (await call(fake, 'POST', '/v1/userInvitations', { body: invitation('reset@example.com') }))
        .status
    ).toBe(201)
  })

  it('emptyPageWithNext: an empty page whose next link is itself', async () => {
    fake.faults.add({ path: '/v1/apps', kind: 'emptyPageWithNext', times: 3 })
    const r = await call(fake, 'GET', '/v1/apps?limit=2')
    expect(r.status).toBe(200)
    expect(r.json.data).toEqual([])
    expect(r.json.links.next).toBe(`${fake.url}/v1/apps?limit=2`)
    expect(r.json.links.next).toBe(r.json.links.self)
    const again = await call(fake, 'GET', r.json.links.next)
    expect(again.json.data).toEqual([])
    const third = await call(fake, 'GET', r.json.links.next)
    expect(third.json.links.next).toBe(r.json.links.next)
    const fourth = await call(fake, 'GET', r.json.links.next)
    expect(fourth.json.data).toHaveLength(2)
  })

  it('revoke: the request that triggers it gets 401; a newly signed token works', async () => {
    const token = await fake.token()
    expect((await call(fake, 'GET', '/v1/users', { token })).status).toBe(200)
    fake.faults.add({ path: /^\/v1\/apps/, kind: 'revoke' })
    const r = await call(fake, 'GET', '/v1/apps', { token })
    expect(r.status).toBe(401)
    expect(r.json.errors[0].code).toBe('NOT_AUTHORIZED')
    expect((await call(fake, 'GET', '/v1/apps', { token })).status).toBe(401)
    expect((await call(fake, 'GET', '/v1/apps')).status).toBe(200)
  })

  it('closes promptly with a slow request in flight', async () => {
    const f = await startFakeAsc({ latencyMs: 10_000 })
    const pending = call(f, 'GET', '/v1/apps').catch((e: Error) => e)
    await new Promise((r) => setTimeout(r, 100))
    const t = Date.now()
    await f.close()
    expect(Date.now() - t).toBeLessThan(1000)
    expect(String(await pending)).toMatch(/fetch failed|terminated|socket/i)
  })

  it('starts fast once the document is loaded', async () => {
    const t = Date.now()
    const f = await startFakeAsc()
    expect(Date.now() - t).toBeLessThan(300)
    await f.close()
    expect(fake.violations).toEqual([])
  })
})
