import { describe, expect, it } from '@jest/globals'
import { AscClient, type Logger } from '../../../src/shared/asc/client.js'
import { ApiError } from '../../../src/shared/asc/errors.js'
import {
  AscBuildsApi,
  type BuildListing,
  type BuildsApi,
  type ExpireOutcome
} from '../../../src/expire-builds/builds-api.js'
import { expireAll } from '../../../src/expire-builds/apply.js'
import type { BuildInfo } from '../../../src/expire-builds/plan.js'

const builds: BuildInfo[] = Array.from({ length: 30 }, (_, i) => ({
  id: `b${i}`,
  buildNumber: String(i),
  expired: false,
  processingState: 'VALID'
}))

/** A port whose expire() takes a tick, counting how many run at once. */
class CountingPort implements BuildsApi {
  inFlight = 0
  peak = 0
  calls: string[] = []
  constructor(private readonly outcome: (id: string) => ExpireOutcome | Error = () => 'expired') {}
  list(): Promise<BuildListing> {
    throw new Error('not used')
  }
  existing(): Promise<string[]> {
    throw new Error('not used')
  }
  reads: string[][] = []
  expiredNow = new Set<string>()
  async expiredAmong(_appId: string, ids: readonly string[]): Promise<string[]> {
    this.reads.push([...ids])
    return ids.filter((id) => this.expiredNow.has(id))
  }
  async expire(id: string): Promise<ExpireOutcome> {
    this.calls.push(id)
    this.inFlight++
    this.peak = Math.max(this.peak, this.inFlight)
    await new Promise((r) => setTimeout(r, 2))
    this.inFlight--
    const o = this.outcome(id)
    if (o instanceof Error) throw o
    return o
  }
}

describe('expireAll', () => {
  it('expires every build with at most 8 in flight, keeping plan order', async () => {
    const port = new CountingPort((id) => (id === 'b3' ? 'already-expired' : 'expired'))
    const result = await expireAll(port, builds, { appId: 'app' })
    expect(port.peak).toBe(8)
    expect(result.failure).toBeUndefined()
    expect(result.done.map((d) => d.build.id)).toEqual(builds.map((b) => b.id))
    expect(result.done[3].outcome).toBe('already-expired')
  })

  it('stops starting new work at the first failure and reports what was done', async () => {
    const boom = new Error('refused')
    const port = new CountingPort((id) => (id === 'b10' ? boom : 'expired'))
    const result = await expireAll(port, builds, { appId: 'app' })
    expect(result.failure).toEqual({ build: builds[10], error: boom })
    expect(port.calls.length).toBeLessThan(builds.length)
    expect(result.done.map((d) => d.build.id)).not.toContain('b10')
    expect(result.done.length).toBe(port.calls.length - 1)
  })
})

const conflict = () =>
  new ApiError(409, 'PATCH', '/v1/builds/x', [
    { status: '409', code: 'STATE_ERROR', title: 'Invalid state', detail: 'cannot' }
  ])

describe('expireAll after a raced expiry (409 STATE_ERROR)', () => {
  it('confirms every refused build with one listing, counting the expired ones as done', async () => {
    const raced = new Set(['b2', 'b5', 'b7', 'b11'])
    const port = new CountingPort((id) => (raced.has(id) ? conflict() : 'expired'))
    port.expiredNow = raced
    const result = await expireAll(port, builds, { appId: 'app' })
    expect(result.failure).toBeUndefined()
    expect(port.reads).toHaveLength(1)
    expect(new Set(port.reads[0])).toEqual(raced)
    expect(result.done.map((d) => d.build.id)).toEqual(builds.map((b) => b.id))
    expect(
      result.done.filter((d) => d.outcome === 'already-expired').map((d) => d.build.id)
    ).toEqual(['b2', 'b5', 'b7', 'b11'])
  })

  it('fails with the 409 of a build that still reads as not expired', async () => {
    const port = new CountingPort((id) => (id === 'b4' || id === 'b6' ? conflict() : 'expired'))
    port.expiredNow = new Set(['b4'])
    const result = await expireAll(port, builds, { appId: 'app' })
    expect(port.reads).toHaveLength(1)
    expect(result.failure?.build.id).toBe('b6')
    expect(result.failure?.error).toBeInstanceOf(ApiError)
    expect(result.done.map((d) => d.build.id)).toContain('b4')
  })
})

const quiet: Logger = { debug: () => {}, info: () => {}, warning: () => {} }

/** AscBuildsApi over a scripted fetch: each call answered by `answer(method, url, body)`. */
function scripted(answer: (method: string, url: URL, body: unknown) => [number, unknown]) {
  const seen: Array<{ method: string; url: URL; body: unknown }> = []
  const fetch = (async (input: URL, init: RequestInit) => {
    const body = init.body ? JSON.parse(String(init.body)) : undefined
    seen.push({ method: init.method ?? 'GET', url: input, body })
    const [status, json] = answer(init.method ?? 'GET', input, body)
    return new Response(JSON.stringify(json), {
      status,
      headers: { 'content-type': 'application/json' }
    })
  }) as typeof globalThis.fetch
  const client = new AscClient({
    baseUrl: 'https://api.example.test',
    tokens: { token: async () => 'token', invalidate: () => {} },
    fetch,
    logger: quiet,
    sleep: async () => {}
  })
  return { port: new AscBuildsApi(client), seen }
}

const stateError = {
  errors: [{ status: '409', code: 'STATE_ERROR', title: 'Invalid state', detail: 'cannot' }]
}

describe('AscBuildsApi.expire', () => {
  it('sends exactly the documented body', async () => {
    const { port, seen } = scripted(() => [
      200,
      { data: { type: 'builds', id: 'b1', attributes: { expired: true } } }
    ])
    await expect(port.expire('b1')).resolves.toBe('expired')
    expect(seen).toHaveLength(1)
    expect(seen[0].method).toBe('PATCH')
    expect(seen[0].url.pathname).toBe('/v1/builds/b1')
    expect(seen[0].body).toEqual({
      data: { type: 'builds', id: 'b1', attributes: { expired: true } }
    })
  })

  it('throws the 409 for the caller to confirm, reading nothing per build', async () => {
    const { port, seen } = scripted(() => [409, stateError])
    await expect(port.expire('b1')).rejects.toBeInstanceOf(ApiError)
    expect(seen.map((s) => s.method)).toEqual(['PATCH'])
  })

  it('reads which builds are expired with one listing', async () => {
    const { port, seen } = scripted(() => [
      200,
      {
        data: [{ type: 'builds', id: 'b1', attributes: { expired: true } }],
        links: { self: 'x' }
      }
    ])
    await expect(port.expiredAmong('app', ['b1', 'b2'])).resolves.toEqual(['b1'])
    expect(seen).toHaveLength(1)
    expect(seen[0].url.searchParams.get('filter[id]')).toBe('b1,b2')
    expect(seen[0].url.searchParams.get('filter[expired]')).toBe('true')
  })

  it('retries a 503 and then succeeds', async () => {
    let n = 0
    const { port, seen } = scripted(() =>
      n++ === 0
        ? [503, { errors: [] }]
        : [200, { data: { type: 'builds', id: 'b1', attributes: { expired: true } } }]
    )
    await expect(port.expire('b1')).resolves.toBe('expired')
    expect(seen.map((s) => s.method)).toEqual(['PATCH', 'PATCH'])
  })
})

describe('AscBuildsApi.list', () => {
  it('lists once with the server filters and joins the included resources', async () => {
    const { port, seen } = scripted(() => [
      200,
      {
        data: [
          {
            type: 'builds',
            id: 'b1',
            attributes: {
              version: '7',
              uploadedDate: '2025-01-01T00:00:00Z',
              expired: false,
              processingState: 'VALID'
            },
            relationships: {
              preReleaseVersion: { data: { type: 'preReleaseVersions', id: 'p1' } },
              betaAppReviewSubmission: { data: { type: 'betaAppReviewSubmissions', id: 'r1' } },
              buildBetaDetail: { data: { type: 'buildBetaDetails', id: 'd1' } }
            }
          }
        ],
        included: [
          { type: 'preReleaseVersions', id: 'p1', attributes: { version: '1.2', platform: 'IOS' } },
          {
            type: 'betaAppReviewSubmissions',
            id: 'r1',
            attributes: { betaReviewState: 'IN_REVIEW' }
          },
          {
            type: 'buildBetaDetails',
            id: 'd1',
            attributes: { externalBuildState: 'IN_BETA_REVIEW' }
          }
        ],
        links: { self: 'x' }
      }
    ])
    const { builds, pages, complete } = await port.list('app1', { platform: 'IOS', version: '1.2' })
    expect(pages).toBe(1)
    expect(complete).toBe(true)
    expect(builds).toEqual([
      {
        id: 'b1',
        buildNumber: '7',
        version: '1.2',
        platform: 'IOS',
        uploadedDate: '2025-01-01T00:00:00Z',
        processingState: 'VALID',
        expired: false,
        betaReviewState: 'IN_REVIEW',
        externalBuildState: 'IN_BETA_REVIEW'
      }
    ])
    const q = seen[0].url.searchParams
    expect(q.get('filter[app]')).toBe('app1')
    expect(q.get('filter[expired]')).toBe('false')
    expect(q.get('filter[preReleaseVersion.platform]')).toBe('IOS')
    expect(q.get('filter[preReleaseVersion.version]')).toBe('1.2')
    expect(q.get('limit')).toBe('200')
    expect(q.get('include')).toBe('preReleaseVersion,betaAppReviewSubmission,buildBetaDetail')
  })
})

describe('AscBuildsApi.list pagination', () => {
  const page = (ids: string[], next?: string) => ({
    data: ids.map((id) => ({
      type: 'builds',
      id,
      attributes: { version: id, processingState: 'VALID' }
    })),
    links: { self: 'x', ...(next ? { next } : {}) }
  })

  it('reads an empty page that links onwards again instead of stopping there', async () => {
    let calls = 0
    const { port, seen } = scripted((_m, url) => {
      calls++
      if (url.searchParams.get('cursor') === '2') return [200, page(['b3'])]
      if (calls === 1) return [200, page([], 'https://api.example.test/v1/builds?cursor=x')]
      return [200, page(['b1', 'b2'], 'https://api.example.test/v1/builds?cursor=2')]
    })
    const listing = await port.list('app1', {})
    expect(listing.builds.map((b) => b.id)).toEqual(['b1', 'b2', 'b3'])
    expect(listing.complete).toBe(true)
    expect(seen).toHaveLength(3)
    expect(seen[1].url.href).toBe(seen[0].url.href)
  })

  it('reports a listing that keeps answering empty pages as incomplete, without looping', async () => {
    const { port, seen } = scripted(() => [
      200,
      page([], 'https://api.example.test/v1/builds?cursor=x')
    ])
    const listing = await port.list('app1', {})
    expect(listing).toMatchObject({ builds: [], complete: false })
    expect(seen.length).toBeLessThanOrEqual(3)
  })

  it('stops at a link to a page already read, listing each build once', async () => {
    const { port } = scripted(() => [
      200,
      page(['b1'], 'https://api.example.test/v1/builds?cursor=same')
    ])
    const listing = await port.list('app1', {})
    expect(listing.builds.map((b) => b.id)).toEqual(['b1'])
    expect(listing.complete).toBe(false)
  })
})
