import { describe, expect, it } from '@jest/globals'
import { AscClient, retryAfterMs, type Logger } from '../../../src/shared/asc/client.js'
import { EnvironmentError } from '../../../src/shared/errors.js'
import { ApiError } from '../../../src/shared/asc/errors.js'
import type { TokenSource } from '../../../src/shared/asc/auth.js'

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | 'lost'

interface Call {
  method: string
  url: string
  headers: Record<string, string>
  body?: string
}

/** A scripted fetch: each request takes the next reply; records what was sent. */
function harness(
  replies: Reply[] | ((call: Call, n: number) => Reply),
  extra: Partial<ConstructorParameters<typeof AscClient>[0]> = {}
) {
  const calls: Call[] = []
  const sleeps: number[] = []
  const logs: string[] = []
  let signed = 0
  let invalidated = 0
  const tokens: TokenSource = {
    token: async () => `token-${signed === invalidated ? ++signed : signed}`,
    invalidate: () => void invalidated++
  }
  const fakeFetch = async (input: string | URL | Request, init?: RequestInit) => {
    const call: Call = {
      method: init?.method ?? 'GET',
      url: String(input),
      headers: init?.headers as Record<string, string>,
      body: init?.body as string | undefined
    }
    calls.push(call)
    const reply = typeof replies === 'function' ? replies(call, calls.length) : replies.shift()
    if (!reply) throw new Error('no scripted reply left')
    if (reply === 'lost')
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })
    const body = reply.body === undefined ? null : JSON.stringify(reply.body)
    return new Response(reply.status === 204 ? null : body, {
      status: reply.status,
      headers: { 'content-type': 'application/json', ...(reply.headers ?? {}) }
    })
  }
  const logger: Logger = {
    debug: () => {},
    info: (m) => logs.push(m),
    warning: (m) => logs.push(`warning: ${m}`)
  }
  const client = new AscClient({
    baseUrl: 'https://api.example.test',
    tokens,
    fetch: fakeFetch as typeof fetch,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    logger,
    ...extra
  })
  return { client, calls, sleeps, logs, signedCount: () => signed }
}

const appleError = (status: number, code: string, detail = 'detail') => ({
  errors: [{ status: String(status), code, title: `title ${code}`, detail }]
})

describe('retry policy', () => {
  it('waits as long as Retry-After says on 429, then succeeds', async () => {
    const h = harness([
      {
        status: 429,
        body: appleError(429, 'RATE_LIMIT_EXCEEDED'),
        headers: { 'retry-after': '7' }
      },
      { status: 200, body: { data: [] } }
    ])
    await h.client.get('/v1/apps')
    expect(h.calls).toHaveLength(2)
    expect(h.sleeps).toEqual([7000])
    expect(h.client.stats.retries).toBe(1)
  })

  it('reads Retry-After as an HTTP date too', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0)
    expect(retryAfterMs(new Date(now + 30_000).toUTCString(), now)).toBe(30_000)
    expect(retryAfterMs('1.5')).toBe(1500)
    expect(retryAfterMs('soon')).toBeUndefined()
  })

  it.each([500, 502, 503, 504])(
    'retries %i for a GET with growing, jittered backoff',
    async (status) => {
      const h = harness([{ status }, { status }, { status: 200, body: { data: [] } }])
      await h.client.get('/v1/apps')
      expect(h.calls).toHaveLength(3)
      expect(h.sleeps).toEqual([750, 1500])
    }
  )

  it.each([400, 403, 404, 409, 422])('never retries %i', async (status) => {
    const h = harness([{ status, body: appleError(status, 'SOME_ERROR') }])
    await expect(h.client.get('/v1/apps')).rejects.toBeInstanceOf(ApiError)
    expect(h.calls).toHaveLength(1)
  })

  it("is bounded: gives up after maxAttempts with Apple's words", async () => {
    const h = harness(
      () => ({ status: 503, body: appleError(503, 'SERVICE_UNAVAILABLE', 'down for maintenance') }),
      { maxAttempts: 3 }
    )
    await expect(h.client.get('/v1/apps')).rejects.toThrow(
      /503.*down for maintenance.*Gave up after 3 attempt/
    )
    expect(h.calls).toHaveLength(3)
  })

  it('is bounded in time: a Retry-After beyond the longest wait is not waited for', async () => {
    const h = harness([
      {
        status: 429,
        body: appleError(429, 'RATE_LIMIT_EXCEEDED'),
        headers: { 'retry-after': '3600' }
      }
    ])
    await expect(h.client.get('/v1/apps')).rejects.toThrow(/429/)
    expect(h.sleeps).toEqual([])
  })

  it('retries network errors for idempotent requests', async () => {
    const h = harness(['lost', { status: 200, body: { data: { type: 'apps', id: '1' } } }])
    await h.client.patch('/v1/apps/1', { data: { type: 'apps', id: '1' } })
    expect(h.calls.map((c) => c.method)).toEqual(['PATCH', 'PATCH'])
  })
})

describe('creates are never sent twice blindly', () => {
  it('a POST whose answer was lost is not resent without a way to look', async () => {
    const h = harness(['lost'])
    await expect(h.client.post('/v1/userInvitations', { data: {} })).rejects.toThrow(
      /was lost.*not resent/
    )
    expect(h.calls).toHaveLength(1)
  })

  it('after a lost answer, reads the state and returns what the POST made', async () => {
    const h = harness(['lost'])
    let looked = 0
    const made = await h.client.post(
      '/v1/userInvitations',
      { data: {} },
      {
        recover: async () => {
          looked++
          return { data: { type: 'userInvitations', id: 'inv-1' } }
        }
      }
    )
    expect(made).toEqual({ data: { type: 'userInvitations', id: 'inv-1' } })
    expect(looked).toBe(1)
    expect(h.calls).toHaveLength(1)
    expect(h.client.stats.recovered).toBe(1)
  })

  it('resends only when the look finds nothing', async () => {
    const h = harness([{ status: 503 }, { status: 201, body: { data: { type: 'x', id: '2' } } }])
    const made = await h.client.post('/v1/x', {}, { recover: async () => undefined })
    expect(made).toEqual({ data: { type: 'x', id: '2' } })
    expect(h.calls).toHaveLength(2)
  })

  it('a 429 is safe to resend (Apple refused before doing anything)', async () => {
    const h = harness([
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 201, body: { data: { type: 'x', id: '3' } } }
    ])
    await h.client.post('/v1/x', {})
    expect(h.calls).toHaveLength(2)
  })

  it('a POST marked idempotent (adding a relationship) is simply retried', async () => {
    const h = harness([{ status: 503 }, { status: 204 }])
    await h.client.post('/v1/betaGroups/1/relationships/builds', { data: [] }, { idempotent: true })
    expect(h.calls).toHaveLength(2)
  })
})

describe('authentication', () => {
  it('on a 401, signs a new token and retries once', async () => {
    const h = harness([
      { status: 401, body: appleError(401, 'NOT_AUTHORIZED') },
      { status: 200, body: { data: [] } }
    ])
    await h.client.get('/v1/apps')
    expect(h.calls.map((c) => c.headers.Authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2'
    ])
  })

  it('a second 401 fails with what to check', async () => {
    const h = harness(() => ({
      status: 401,
      body: appleError(
        401,
        'NOT_AUTHORIZED',
        'Provide a properly configured and signed bearer token'
      )
    }))
    await expect(h.client.get('/v1/apps')).rejects.toThrow(/401.*key-id.*issuer-id.*clock.*revoked/)
    expect(h.calls).toHaveLength(2)
  })

  it('sends a User-Agent naming the project and JSON accept headers', async () => {
    const h = harness([{ status: 200, body: { data: [] } }])
    await h.client.get('/v1/apps')
    expect(h.calls[0].headers['User-Agent']).toMatch(/^app-store-connect-actions\/\d+\.\d+\.\d+/)
    expect(h.calls[0].headers.Accept).toBe('application/json')
  })

  it('does not follow a redirect (the token would go with it)', async () => {
    const h = harness([{ status: 302, headers: { location: 'https://elsewhere.example/v1/apps' } }])
    await expect(h.client.get('/v1/apps')).rejects.toThrow(
      /redirected \(302\) to https:\/\/elsewhere\.example.*not followed/
    )
    expect(h.calls).toHaveLength(1)
  })

  it('never sends credentials to another host, even when a next link points there', async () => {
    const h = harness([
      {
        status: 200,
        body: {
          data: [{ type: 'apps', id: '1' }],
          links: { next: 'https://evil.example/v1/apps?cursor=2' }
        }
      }
    ])
    await expect(h.client.all('/v1/apps')).rejects.toThrow(
      /Refusing to send App Store Connect credentials to https:\/\/evil\.example/
    )
    expect(h.calls).toHaveLength(1)
  })
})

describe('pagination', () => {
  const page = (ids: string[], next?: string) => ({
    status: 200,
    body: {
      data: ids.map((id) => ({ type: 'apps', id })),
      included: [{ type: 'builds', id: 'b1' }],
      links: { next }
    }
  })

  it('asks for 200 a page, follows links.next verbatim and merges data and included', async () => {
    const h = harness([
      page(['1', '2'], 'https://api.example.test/v1/apps?cursor=abc&limit=200'),
      page(['3'])
    ])
    const all = await h.client.all('/v1/apps', { 'filter[bundleId]': ['a', 'b'] })
    expect(all.data.map((d) => d.id)).toEqual(['1', '2', '3'])
    expect(all.included).toHaveLength(1)
    expect(h.calls[0].url).toBe(
      'https://api.example.test/v1/apps?filter%5BbundleId%5D=a%2Cb&limit=200'
    )
    expect(h.calls[1].url).toBe('https://api.example.test/v1/apps?cursor=abc&limit=200')
  })

  it('reads an empty page that still links onwards again, and carries on when it fills', async () => {
    const h = harness([
      page(['1'], 'https://api.example.test/v1/apps?cursor=2'),
      page([], 'https://api.example.test/v1/apps?cursor=2'),
      page(['2'])
    ])
    const all = await h.client.all('/v1/apps')
    expect(all.data.map((d) => d.id)).toEqual(['1', '2'])
    expect(all.complete).toBe(true)
    expect(h.calls.map((c) => new URL(c.url).search)).toEqual([
      '?limit=200',
      '?cursor=2',
      '?cursor=2'
    ])
  })

  it('stops on an empty page that keeps linking onwards, with a warning, and says the list is incomplete', async () => {
    const h = harness(() => page([], 'https://api.example.test/v1/apps?cursor=same'))
    const all = await h.client.all('/v1/apps')
    expect(h.calls).toHaveLength(3)
    expect(all.data).toEqual([])
    expect(all.complete).toBe(false)
    expect(h.logs.join('\n')).toMatch(/warning: .*empty page.*incomplete/)
  })

  it('stops on a URL it has already fetched', async () => {
    const h = harness([
      page(['1'], 'https://api.example.test/v1/apps?cursor=x'),
      page(['2'], 'https://api.example.test/v1/apps?cursor=x')
    ])
    const all = await h.client.all('/v1/apps')
    expect(all.data.map((d) => d.id)).toEqual(['1', '2'])
    expect(h.calls).toHaveLength(2)
    expect(all.complete).toBe(false)
    expect(h.logs.join('\n')).toMatch(/already returned/)
  })

  it('stops at the page cap', async () => {
    const h = harness(
      (_c, n) => page([String(n)], `https://api.example.test/v1/apps?cursor=${n}`),
      { maxPages: 3 }
    )
    const all = await h.client.all('/v1/apps')
    expect(all.pages).toBe(3)
    expect(h.logs.join('\n')).toMatch(/reached 3 pages/)
  })

  it("respects a caller's limit, or none", async () => {
    const h = harness([page([]), page([])])
    await h.client.all('/v1/apps', { limit: 5 })
    await h.client.all('/v1/apps/1/appInfos', {}, { limit: false })
    expect(h.calls.map((c) => new URL(c.url).search)).toEqual(['?limit=5', ''])
  })
})

describe('rate limits', () => {
  it('paces requests once X-Rate-Limit says the hourly quota runs low', async () => {
    const h = harness(() => ({
      status: 200,
      body: { data: [] },
      headers: { 'x-rate-limit': 'user-hour-lim:3600;user-hour-rem:10;' }
    }))
    await h.client.get('/v1/apps')
    await h.client.get('/v1/apps')
    await h.client.get('/v1/apps')
    expect(h.sleeps.length).toBeGreaterThanOrEqual(1)
    expect(Math.max(...h.sleeps)).toBeGreaterThan(1000)
  })

  it('goes at full speed while plenty remains', async () => {
    const h = harness(() => ({
      status: 200,
      body: { data: [] },
      headers: { 'x-rate-limit': 'user-hour-lim:3600;user-hour-rem:3000;' }
    }))
    for (let i = 0; i < 5; i++) await h.client.get('/v1/apps')
    expect(h.sleeps).toEqual([])
  })
})

describe('transport failures are environment errors, not bugs', () => {
  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(EnvironmentError)
    return error as EnvironmentError
  }

  it('the network failing on every attempt', async () => {
    const h = harness(() => 'lost', { maxAttempts: 3 })
    const e = await failure(h.client.get('/v1/apps'))
    expect(e.kind).toBe('network')
    expect(e.message).toMatch(
      /^GET \/v1\/apps failed after 3 attempt\(s\): ECONNRESET\. Check the runner's network/
    )
    expect(e.message).not.toMatch(/\.\./)
    expect(h.calls).toHaveLength(3)
  })

  it('no answer within the timeout, every time', async () => {
    const h = harness([], {
      maxAttempts: 2,
      fetch: (async () => {
        throw new DOMException('The operation timed out.', 'TimeoutError')
      }) as typeof fetch
    })
    const e = await failure(h.client.get('/v1/apps'))
    expect(e.kind).toBe('timeout')
    expect(e.message).toMatch(
      /failed after 2 attempt\(s\): no answer within 60s\. App Store Connect/
    )
  })

  it('a lost answer to a create that cannot be looked for', async () => {
    const h = harness(['lost'])
    const e = await failure(h.client.post('/v1/betaGroups', { data: {} }))
    expect(e.kind).toBe('network')
    expect(e.message).toMatch(
      /was not resent\. Run the step again: it picks up the current state\.$/
    )
  })

  it('a redirect, and a link to another host', async () => {
    const h = harness([{ status: 301, headers: { location: 'https://elsewhere.example/' } }])
    expect((await failure(h.client.get('/v1/apps'))).kind).toBe('redirect')
    expect(() => h.client.url('https://evil.example/v1/apps')).toThrow(EnvironmentError)
  })
})
