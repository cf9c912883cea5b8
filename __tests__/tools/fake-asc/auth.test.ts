import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startFakeAsc, signToken, type FakeAsc } from '../../../tools/fake-asc/index.js'
import { call } from '../../support/fake-asc-helpers.js'

let fake: FakeAsc

beforeAll(async () => {
  fake = await startFakeAsc()
  fake.store.create('apps', { name: 'Demo', bundleId: 'com.example.demo', sku: 'DEMO' })
  fake.store.create('bundleIds', { name: 'Demo', identifier: 'com.example.demo', platform: 'IOS' })
})
afterAll(() => fake.close())

function expectNotAuthorized(
  r: {
    status: number
    json: { errors: { status: string; code: string; title: string; detail: string }[] }
  },
  detail?: RegExp
) {
  expect(r.status).toBe(401)
  expect(r.json.errors).toHaveLength(1)
  expect(r.json.errors[0]).toMatchObject({
    status: '401',
    code: 'NOT_AUTHORIZED',
    title: 'Authentication credentials are missing or invalid.'
  })
  if (detail) expect(r.json.errors[0].detail).toMatch(detail)
}

describe('fake ASC: authentication', () => {
  it('accepts a correct team token and an individual token', async () => {
    expect((await call(fake, 'GET', '/v1/apps')).status).toBe(200)
    expect((await call(fake, 'GET', '/v1/apps', { key: fake.keys.individual })).status).toBe(200)
    const last = fake.requests.at(-1)!
    expect(last).toMatchObject({
      authorized: true,
      hasAuthorizationHeader: true,
      keyId: fake.keys.individual.keyId
    })
    expect(fake.keys.team.issuerId).toMatch(/^[0-9a-f-]{36}$/)
    expect(fake.keys.individual.issuerId).toBeUndefined()
    expect(fake.keys.team.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/)
  })

  it('refuses a missing or malformed Authorization header', async () => {
    const none = await call(fake, 'GET', '/v1/apps', { token: null })
    expectNotAuthorized(none)
    expect(fake.requests.at(-1)).toMatchObject({
      authorized: false,
      hasAuthorizationHeader: false,
      status: 401
    })
    expectNotAuthorized(await call(fake, 'GET', '/v1/apps', { token: 'not-a-jwt' }), /not a JWT/)
  })

  it('refuses a wrong audience', async () => {
    const token = await signToken(fake.keys.team, { aud: 'appstoreconnect-v2' })
    expectNotAuthorized(await call(fake, 'GET', '/v1/apps', { token }), /aud/)
  })

  it('refuses an expired token, judged by the fake clock', async () => {
    const token = await signToken(fake.keys.team, {}, Date.now() - 30 * 60 * 1000)
    expectNotAuthorized(await call(fake, 'GET', '/v1/apps', { token }), /expired/)
    const fresh = await signToken(fake.keys.team)
    const clock = fake.now
    fake.now = () => Date.now() + 11 * 60 * 1000
    try {
      expectNotAuthorized(await call(fake, 'GET', '/v1/apps', { token: fresh }), /expired/)
    } finally {
      fake.now = clock
    }
  })

  it('refuses a lifetime over 20 minutes, and an exp more than 20 minutes away', async () => {
    const iat = Math.floor(Date.now() / 1000)
    const long = await signToken(fake.keys.team, { iat, exp: iat + 1201 })
    expectNotAuthorized(await call(fake, 'GET', '/v1/apps', { token: long }), /at most 1200 s/)
    const ok = await signToken(fake.keys.team, { iat, exp: iat + 1200 })
    expect((await call(fake, 'GET', '/v1/apps', { token: ok })).status).toBe(200)
    const backdated = await signToken(fake.keys.team, { iat: iat + 3000, exp: iat + 3600 })
    expectNotAuthorized(
      await call(fake, 'GET', '/v1/apps', { token: backdated }),
      /more than 20 minutes/
    )
  })

  it('refuses an unknown kid, a wrong signature, a wrong typ or algorithm', async () => {
    expectNotAuthorized(
      await call(fake, 'GET', '/v1/apps', {
        token: await signToken(fake.keys.team, { header: { kid: 'UNKNOWN123' } })
      }),
      /UNKNOWN123.*unknown/
    )
    const other = fake.addKey({ label: 'other' })
    fake.removeKey(other)
    const forged = await signToken({
      ...other,
      keyId: fake.keys.team.keyId,
      issuerId: fake.keys.team.issuerId
    })
    expectNotAuthorized(await call(fake, 'GET', '/v1/apps', { token: forged }), /signature/)
    expectNotAuthorized(
      await call(fake, 'GET', '/v1/apps', {
        token: await signToken(fake.keys.team, { header: { typ: 'JWS' } })
      }),
      /typ/
    )
  })

  it('checks iss for team keys and sub/no iss for individual keys', async () => {
    expectNotAuthorized(
      await call(fake, 'GET', '/v1/apps', {
        token: await signToken(fake.keys.team, { iss: 'someone-else' })
      }),
      /iss/
    )
    expectNotAuthorized(
      await call(fake, 'GET', '/v1/apps', {
        token: await signToken(fake.keys.individual, { sub: undefined })
      }),
      /sub/
    )
    expectNotAuthorized(
      await call(fake, 'GET', '/v1/apps', {
        token: await signToken(fake.keys.individual, { iss: 'x' })
      }),
      /must not have iss/
    )
  })

  it('refuses provisioning resources to individual keys with 403, like Apple', async () => {
    const r = await call(fake, 'GET', '/v1/bundleIds', { key: fake.keys.individual })
    expect(r.status).toBe(403)
    expect(r.json.errors[0]).toMatchObject({ status: '403', code: 'FORBIDDEN_ERROR' })
    expect((await call(fake, 'GET', '/v1/profiles', { key: fake.keys.individual })).status).toBe(
      403
    )
    expect((await call(fake, 'GET', '/v1/bundleIds')).status).toBe(200)
  })

  it('refuses writes to a read-only key and whatever a key forbids', async () => {
    const ro = fake.addKey({ readOnly: true })
    expect((await call(fake, 'GET', '/v1/apps', { key: ro })).status).toBe(200)
    const w = await call(fake, 'POST', '/v1/userInvitations', {
      key: ro,
      body: {
        data: {
          type: 'userInvitations',
          attributes: {
            email: 'ro@example.com',
            firstName: 'R',
            lastName: 'O',
            roles: ['DEVELOPER']
          }
        }
      }
    })
    expect(w.status).toBe(403)
    expect(fake.store.list('userInvitations')).toHaveLength(0)
    const picky = fake.addKey({ forbid: (_m, path) => path.startsWith('/v1/users') })
    expect((await call(fake, 'GET', '/v1/users', { key: picky })).status).toBe(403)
  })

  it('honours the scope claim', async () => {
    const token = await signToken(fake.keys.team, { scope: ['GET /v1/apps'] })
    expect((await call(fake, 'GET', '/v1/apps', { token })).status).toBe(200)
    expect((await call(fake, 'GET', '/v1/users', { token })).status).toBe(403)
  })

  it('revokeTokens() invalidates every token used so far; a new one works', async () => {
    const token = await fake.token()
    expect((await call(fake, 'GET', '/v1/apps', { token })).status).toBe(200)
    fake.revokeTokens()
    expectNotAuthorized(await call(fake, 'GET', '/v1/apps', { token }), /revoked/)
    const fresh = await fake.token()
    expect((await call(fake, 'GET', '/v1/apps', { token: fresh })).status).toBe(200)
  })

  it('reports the rate limit in X-Rate-Limit, decrementing, and answers 429 when used up', async () => {
    const a = await call(fake, 'GET', '/v1/apps')
    const b = await call(fake, 'GET', '/v1/apps')
    const rem = (h: Headers) =>
      Number(/user-hour-rem:(\d+);/.exec(h.get('x-rate-limit') ?? '')?.[1])
    expect(a.headers.get('x-rate-limit')).toMatch(/^user-hour-lim:3600;user-hour-rem:\d+;$/)
    expect(rem(b.headers)).toBe(rem(a.headers) - 1)
    fake.rateLimit.remaining = 1
    expect((await call(fake, 'GET', '/v1/apps')).headers.get('x-rate-limit')).toBe(
      'user-hour-lim:3600;user-hour-rem:0;'
    )
    const limited = await call(fake, 'GET', '/v1/apps')
    expect(limited.status).toBe(429)
    expect(limited.json.errors[0].code).toBe('RATE_LIMIT_EXCEEDED')
    fake.rateLimit.remaining = 3600
  })

  it('takes a rate limit option', async () => {
    const small = await startFakeAsc({ rateLimit: 10 })
    try {
      const r = await call(small, 'GET', '/v1/apps')
      expect(r.headers.get('x-rate-limit')).toBe('user-hour-lim:10;user-hour-rem:9;')
    } finally {
      await small.close()
    }
  })
})
