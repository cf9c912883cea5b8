// Hostile and broken answers from "App Store Connect" (issue 10): the token never leaves the API
// origin, server text never becomes a workflow command, broken answers are one clear error, and a
// compression bomb does not take the runner's memory.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createGzip } from 'node:zlib'
import { startFakeAsc, type FakeAsc } from '../../tools/fake-asc/index.js'
import {
  connectionInputs,
  expectNoSecrets,
  runBundle,
  type ActionRun
} from '../../tools/e2e-harness.js'
import { seedHistory } from '../../tools/seeds/expire-builds.js'

/** A second server on 127.0.0.1 (another origin): it records whatever reaches it. */
interface Attacker {
  url: string
  origin: string
  hits: Array<{ url: string; authorization?: string }>
  close(): Promise<void>
}

async function startAttacker(): Promise<Attacker> {
  const hits: Attacker['hits'] = []
  const server: Server = createServer((req: IncomingMessage, res) => {
    hits.push({ url: req.url ?? '', authorization: req.headers.authorization })
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"data":[],"links":{}}')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    origin: `127.0.0.1:${port}`,
    hits,
    close: () => new Promise<void>((r) => server.close(() => r()))
  }
}

let fake: FakeAsc
let attacker: Attacker

beforeAll(async () => {
  attacker = await startAttacker()
})
afterAll(async () => {
  await attacker.close()
})
afterEach(async () => {
  await fake?.close()
})

async function fresh(count = 40) {
  fake = await startFakeAsc()
  return seedHistory(fake.store, { count })
}

async function run(entry: string, inputs: Record<string, string>, env = {}): Promise<ActionRun> {
  const r = await runBundle(entry, { ...connectionInputs(fake), ...inputs }, { env })
  expectNoSecrets(r, fake.keys.team.privateKey)
  return r
}

/**
 * Every stdout line that is a workflow command is one we send: group markers, our masks, debug,
 * and at most one ::error:: (no `::error::x` or `::add-mask::y` from server text).
 */
function expectOnlyOurCommands(r: ActionRun, injected: string[]): void {
  const commands = r.stdout.split('\n').filter((l) => /^\s*::/.test(l) || /^\s*##\[/.test(l))
  for (const line of commands)
    expect(line).toMatch(/^::(group|endgroup|add-mask|debug|error|warning|notice)(::| )/)
  const masks = commands.filter((l) => l.startsWith('::add-mask::')).map((l) => l.slice(12))
  for (const text of injected) expect(masks).not.toContain(text)
  expect(commands.filter((l) => l.startsWith('::error')).length).toBeLessThanOrEqual(1)
  for (const line of commands)
    for (const text of injected) expect(line).not.toMatch(new RegExp(`::${text}$`))
}

describe('the token stays with the API origin', () => {
  it.each([
    ['protocol-relative //host', (a: Attacker) => `//${a.origin}/v1/builds?cursor=x`],
    ['backslash /\\host', (a: Attacker) => `/\\${a.origin}/v1/builds?cursor=x`],
    ['leading blanks', (a: Attacker) => `   ${a.url}/v1/builds?cursor=x`],
    ['a tab inside //', (a: Attacker) => `/\t/${a.origin}/v1/builds?cursor=x`],
    ['a leading new line', (a: Attacker) => `\n//${a.origin}/v1/builds?cursor=x`]
  ])('refuses a links.next that is %s, sending nothing there', async (_name, link) => {
    const history = await fresh(30)
    fake.faults.add({
      method: 'GET',
      path: '/v1/builds',
      kind: 'rewrite',
      rewrite: (json) => ({
        ...(json as object),
        links: { self: 'x', next: link(attacker) }
      })
    })
    const before = attacker.hits.length
    const r = await run('expire-builds', { 'app-id': history.app.id, 'keep-latest': '1' })
    expect(attacker.hits.slice(before)).toEqual([])
    expect(r.code).not.toBe(0)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(/Refusing to send App Store Connect credentials to/)
    expect(fake.changingRequests()).toEqual([])
    expect(r.summary).toMatch(/^## Expire builds/m)
    expect(r.summary).toMatch(/❌ .*Refusing to send/)
  })

  it('refuses a links.next to another origin in api paginate too', async () => {
    await fresh(5)
    fake.faults.add({
      method: 'GET',
      path: '/v1/apps',
      kind: 'rewrite',
      rewrite: (json) => ({
        ...(json as object),
        links: { self: 'x', next: `//${attacker.origin}/v1/apps` }
      })
    })
    const before = attacker.hits.length
    const r = await run('api', { operation: 'GET /v1/apps', paginate: 'true' })
    expect(attacker.hits.slice(before)).toEqual([])
    expect(r.code).not.toBe(0)
    expect(r.errors[0]).toMatch(/Refusing to send App Store Connect credentials/)
    expect(r.outputs.json).toBeUndefined()
  })
})

describe('server text is never a workflow command', () => {
  it('neutralises an app name and a version carrying ::error:: and ::add-mask::', async () => {
    const history = await fresh(12)
    fake.store.update('apps', history.app.id, {
      attributes: { name: 'Evil\n::error::x\n::add-mask::y' }
    })
    for (const v of fake.store.list('preReleaseVersions'))
      fake.store.update('preReleaseVersions', v.id, {
        attributes: { version: `${v.attributes.version}\n::warning::x\n::add-mask::y` }
      })
    const r = await run('expire-builds', {
      'app-id': history.app.id,
      'keep-latest': '2',
      'dry-run': 'true'
    })
    expect(r.code).toBe(0)
    expect(r.errors).toEqual([])
    expect(r.stdout).toMatch(/App: Evil :\u200b:error:\u200b:x/)
    expectOnlyOurCommands(r, ['x', 'y'])
  })

  it("neutralises Apple's error detail in the one ::error:: and the log", async () => {
    const history = await fresh(5)
    fake.faults.add({
      method: 'GET',
      path: '/v1/builds',
      kind: 'answer',
      times: Infinity,
      answer: {
        status: 422,
        json: {
          errors: [
            {
              status: '422',
              code: 'ENTITY_ERROR\n::add-mask::y',
              title: 'Bad\n::error::x',
              detail: 'Cannot do this.'
            }
          ]
        }
      }
    })
    const r = await run('expire-builds', { 'app-id': history.app.id, 'keep-latest': '2' })
    expect(r.code).not.toBe(0)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(/Bad :\u200b:error:\u200b:x: Cannot do this\.(?!\.)/)
    expectOnlyOurCommands(r, ['x', 'y'])
  })
})

describe('answers that are not what they claim are one clear error', () => {
  it.each([
    ['HTML', { status: 200, body: '<html>hi</html>', headers: { 'content-type': 'text/html' } }],
    ['an empty body', { status: 200, body: '', headers: { 'content-type': 'application/json' } }],
    [
      'invalid JSON',
      { status: 200, body: '{"data": [', headers: { 'content-type': 'application/json' } }
    ]
  ])('api fails on a 200 of %s, with no json output', async (_name, answer) => {
    await fresh(1)
    fake.faults.add({ method: 'GET', path: '/v1/apps', kind: 'answer', answer })
    const r = await run('api', { operation: 'GET /v1/apps' })
    expect(r.code).not.toBe(0)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(/answered 200 to GET \/v1\/apps.*(not JSON|not valid JSON|empty)/)
    expect(r.errors[0]).not.toMatch(/bug/)
    expect(r.outputs.json).toBeUndefined()
    expect(r.summary).toMatch(/^## App Store Connect API/m)
    expect(r.summary).toMatch(/❌ /)
  })

  it('expire-builds fails on a 200 {} to its listing naming what is missing, not a TypeError', async () => {
    const history = await fresh(5)
    fake.faults.add({
      method: 'GET',
      path: '/v1/builds',
      kind: 'answer',
      answer: { status: 200, json: {} }
    })
    const r = await run('expire-builds', { 'app-id': history.app.id, 'keep-latest': '1' })
    expect(r.code).not.toBe(0)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(/no `data` list/)
    expect(r.errors[0]).not.toMatch(/TypeError|bug/)
    expect(fake.changingRequests()).toEqual([])
  })

  it('decompress on an answer that is not gzip is an error naming decompress', async () => {
    await fresh(1)
    fake.faults.add({
      method: 'GET',
      path: '/v1/salesReports',
      kind: 'answer',
      answer: {
        status: 200,
        body: 'plain text, not gzip',
        headers: { 'content-type': 'application/a-gzip' }
      }
    })
    const r = await runBundle(
      'api',
      {
        ...connectionInputs(fake),
        operation: 'GET /v1/salesReports',
        query: JSON.stringify({
          'filter[frequency]': 'DAILY',
          'filter[reportType]': 'SALES',
          'filter[reportSubType]': 'SUMMARY',
          'filter[vendorNumber]': '12345678',
          'filter[reportDate]': '2026-01-01'
        }),
        'output-file': 'out.tsv',
        decompress: 'true'
      },
      {}
    )
    expect(r.code).not.toBe(0)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(/Input 'decompress': the answer is not gzip/)
    expect(r.errors[0]).not.toMatch(/bug/)
  })
})

describe('local outputs are checked before the request', () => {
  it('api with output-file naming a directory sends nothing', async () => {
    await fresh(1)
    const dir = mkdtempSync(join(tmpdir(), 'psec-out-'))
    const r = await run('api', {
      operation: 'POST /v1/betaGroups',
      body: JSON.stringify({
        data: {
          type: 'betaGroups',
          attributes: { name: 'QA' },
          relationships: { app: { data: { type: 'apps', id: '1' } } }
        }
      }),
      'output-file': dir
    })
    expect(r.code).not.toBe(0)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(/Input 'output-file': '.*psec-out-.*' is a directory/)
    expect(fake.requests).toEqual([])
  })
})

describe('a compression bomb does not take the memory', () => {
  /** 1 GiB of JSON-looking zeros, gzipped once (about 1 MiB) in chunks. */
  async function gzipBomb(): Promise<Buffer> {
    const gz = createGzip({ level: 9 })
    const out: Buffer[] = []
    gz.on('data', (d: Buffer) => out.push(d))
    const done = new Promise<void>((r) => gz.on('end', () => r()))
    gz.write('{"data":[],"pad":"')
    const chunk = Buffer.alloc(16 * 1024 * 1024, 0x30)
    for (let i = 0; i < 64; i++)
      if (!gz.write(chunk)) await new Promise<void>((r) => gz.once('drain', () => r()))
    gz.end('"}')
    await done
    return Buffer.concat(out)
  }

  it('refuses a 1 GiB gzip answer with a clear error, peak memory under 300 MB', async () => {
    await fresh(1)
    const bomb = await gzipBomb()
    expect(bomb.length).toBeLessThan(4 * 1024 * 1024)
    fake.faults.add({
      method: 'GET',
      path: '/v1/apps',
      kind: 'answer',
      answer: {
        status: 200,
        body: bomb,
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }
      }
    })
    const rssFile = join(mkdtempSync(join(tmpdir(), 'psec-rss-')), 'rss.txt')
    const preload = join(process.cwd(), 'scripts/dev/bench/peak-memory.mjs')
    const r = await run(
      'api',
      { operation: 'GET /v1/apps' },
      { NODE_OPTIONS: `--import ${preload}`, BENCH_RSS_FILE: rssFile }
    )
    expect(r.code).not.toBe(0)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(/larger than 64 MiB once decoded/)
    const peak = Number(readFileSync(rssFile, 'utf8'))
    expect(peak).toBeGreaterThan(0)
    expect(peak).toBeLessThan(300 * 1024 * 1024)
  })
})
