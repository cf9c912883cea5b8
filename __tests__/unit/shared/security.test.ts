// The shared rules behind issue 10's findings: URL origins, neutralised Apple messages, capped
// echoes, masking, redaction that keeps our advice, bounded durations and timers, failure summaries.
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AscClient, type Logger } from '../../../src/shared/asc/client.js'
import { ApiError } from '../../../src/shared/asc/errors.js'
import { JwtTokens, parsePrivateKey, readPrivateKeyFile } from '../../../src/shared/asc/auth.js'
import { readConnectionSettings } from '../../../src/shared/asc/connection.js'
import { EnvironmentError } from '../../../src/shared/errors.js'
import { DURATION_MAX, Inputs, echo } from '../../../src/shared/inputs.js'
import { redact } from '../../../src/shared/redact.js'
import { MAX_TIMER_MS, sleep } from '../../../src/shared/sleep.js'
import { failureSummary, runAction } from '../../../src/shared/run.js'
import { RunReport, runReport } from '../../../src/shared/report.js'
import { readSettings as readExpireSettings } from '../../../src/expire-builds/settings.js'

const quiet: Logger = { debug: () => {}, info: () => {}, warning: () => {} }

function client(
  answer: (url: string) => Response = () => json({ data: [] }),
  logger: Logger = quiet,
  extra = {}
) {
  const sent: string[] = []
  const c = new AscClient({
    baseUrl: 'https://api.example.test',
    tokens: { token: async () => 'token', invalidate: () => {} },
    fetch: (async (input: URL) => {
      sent.push(String(input))
      return answer(String(input))
    }) as typeof fetch,
    logger,
    sleep: async () => {},
    ...extra
  })
  return { c, sent }
}

function json(body: unknown, headers: Record<string, string> = {}, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers }
  })
}

/** What @actions/core printed to stdout while `fn` ran (setSecret prints `::add-mask::`). */
async function stdoutOf(fn: () => unknown): Promise<string> {
  let out = ''
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk)
    return true
  })
  try {
    await fn()
  } finally {
    spy.mockRestore()
  }
  return out
}

const pem = () =>
  generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString()

describe('every URL is resolved by the WHATWG rules and must keep the API origin', () => {
  const { c } = client()
  it.each([
    '//evil.test/v1/apps',
    '/\\evil.test/v1/apps',
    '\\\\evil.test/v1/apps',
    '   https://evil.test/v1/apps',
    '\n//evil.test/v1/apps',
    '/\t/evil.test/v1/apps',
    'https://evil.test/v1/apps',
    'https://user:pw@api.example.test/v1/apps',
    'http://api.example.test/v1/apps'
  ])('refuses %j before sending', (target) => {
    expect(() => c.url(target)).toThrow(EnvironmentError)
    expect(() => c.url(target)).toThrow(/Refusing to send App Store Connect credentials/)
  })

  it.each([
    ['/v1/apps', 'https://api.example.test/v1/apps'],
    ['v1/apps', 'https://api.example.test/v1/apps'],
    ['https://api.example.test/v1/apps?cursor=x', 'https://api.example.test/v1/apps?cursor=x'],
    ['  https://api.example.test/v1/apps  ', 'https://api.example.test/v1/apps']
  ])('keeps %j on the API host', (target, href) => {
    expect(c.url(target).href).toBe(href)
  })

  it('refuses a links.next off the origin without sending it', async () => {
    const { c: paged, sent } = client(() =>
      json({ data: [{ type: 'apps', id: '1' }], links: { next: '//evil.test/v1/apps?cursor=2' } })
    )
    await expect(paged.all('/v1/apps')).rejects.toThrow(/evil\.test/)
    expect(sent.every((u) => new URL(u).host === 'api.example.test')).toBe(true)
  })

  it('refuses a page without a data list as an ApiError naming what is missing', async () => {
    const { c: paged } = client(() => json({}))
    const error = await paged.all('/v1/builds').catch((e) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error.message).toMatch(/no `data` list/)
  })
})

describe('answers the client refuses', () => {
  it('a 200 that is not JSON', async () => {
    const { c } = client(
      () => new Response('<html>', { status: 200, headers: { 'content-type': 'text/html' } })
    )
    await expect(c.get('/v1/apps')).rejects.toThrow(/6 bytes of text\/html, not JSON/)
  })

  it('a body over the cap once decoded', async () => {
    const { c } = client(() => json({ pad: 'x'.repeat(5000) }), quiet, { maxBodyBytes: 1000 })
    await expect(c.get('/v1/apps')).rejects.toThrow(/larger than/)
  })
})

describe("Apple's error documents", () => {
  const message = (errors: object[], status = 404) =>
    new ApiError(status, 'GET', '/v1/x', errors as never).message

  it('renders a code-only error without an empty sentence', () => {
    const m = message([{ code: 'NOT_FOUND' }])
    expect(m).toMatch(/: NOT_FOUND\. /)
    expect(m).not.toMatch(/NOT_FOUND: \./)
  })

  it('never doubles a period', () => {
    expect(
      message([{ code: 'STATE_ERROR', title: 'Nope.', detail: 'It is not allowed.' }], 409)
    ).not.toMatch(/\.\./)
  })

  it('shows meta.previousBundleVersion of a duplicate', () => {
    expect(
      message(
        [
          {
            code: 'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
            detail: 'The bundle version must be higher than the previously uploaded version.',
            source: { pointer: '/data/attributes/cfBundleVersion' },
            meta: { previousBundleVersion: '41' }
          }
        ],
        409
      )
    ).toMatch(/previous build number: 41/)
  })

  it('neutralises workflow commands in code, title and detail', () => {
    const m = message([{ code: 'X\n::add-mask::y', title: 'T\n::error::x', detail: '##[error]z' }])
    expect(m).not.toMatch(/\n/)
    expect(m).not.toMatch(/::|##\[/)
  })
})

describe('echoed input values', () => {
  it('are capped at 100 characters in every ConfigurationError', () => {
    const long = 'A'.repeat(100_000)
    const inputs = new Inputs((n) => (n === 'key-id' ? long : undefined), {})
    expect(() => readConnectionSettings(inputs)).toThrow(/more characters/)
    try {
      readConnectionSettings(inputs)
    } catch (e) {
      expect((e as Error).message.length).toBeLessThan(400)
    }
    expect(echo(long)).toHaveLength(100 + '… (99900 more characters)'.length)
    const flag = new Inputs(() => long, {})
    expect(() => flag.boolean('dry-run', false)).toThrow(/more characters/)
  })
})

describe('masking and redaction', () => {
  afterEach(() => {
    jest.restoreAllMocks()
  })

  it('never echoes a base64 key given as private-key-path, and masks it', async () => {
    const b64 = Buffer.from(pem()).toString('base64')
    let message = ''
    const out = await stdoutOf(() => {
      try {
        readPrivateKeyFile(b64)
      } catch (e) {
        message = (e as Error).message
      }
    })
    expect(message).toMatch(/Input 'private-key-path': looks like the key itself/)
    expect(message).not.toContain(b64.slice(0, 20))
    expect(out).toContain(`::add-mask::${b64}`)
  })

  it('still reads a real key file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'psec-key-')), 'AuthKey.p8')
    writeFileSync(file, pem())
    expect(readPrivateKeyFile(file).asymmetricKeyType).toBe('ec')
  })

  it("masks a token's signature segment on its own", async () => {
    const key = parsePrivateKey(pem())
    let token = ''
    const out = await stdoutOf(async () => {
      token = await new JwtTokens({ keyId: 'ABCDEFGHIJ', privateKey: key }).token()
    })
    expect(out).toContain(`::add-mask::${token}`)
    expect(out).toContain(`::add-mask::${token.split('.')[2]}`)
  })

  it('keeps our own advice in the bad-key message and still removes real keys', () => {
    let advice = ''
    try {
      parsePrivateKey('not a key!')
    } catch (e) {
      advice = (e as Error).message
    }
    expect(advice).toMatch(/-----BEGIN PRIVATE KEY-----/)
    expect(redact(advice)).toBe(advice)
    const key = pem()
    expect(redact(`bad: ${key}`)).toBe('bad: [private key redacted]\n')
    const oneLine = key.replace(/\n/g, '\\n')
    expect(redact(`bad: ${oneLine}`)).not.toMatch(/MIG/)
  })
})

describe('bounded durations and timers', () => {
  it('refuses a duration beyond its max, naming the input', () => {
    const inputs = new Inputs((n) => (n === 'poll-interval' ? '30d' : undefined), {})
    expect(() => inputs.duration('poll-interval', '30s', { max: DURATION_MAX.poll })).toThrow(
      /Input 'poll-interval': '30d' is too long: at most 1h/
    )
    expect(inputs.duration('processing-timeout', '30m', { max: DURATION_MAX.timeout })).toBe(
      1_800_000
    )
  })

  it('clamps the shared sleep to the largest Node timer', async () => {
    const calls: number[] = []
    const spy = jest.spyOn(globalThis, 'setTimeout').mockImplementation(((
      fn: () => void,
      ms: number
    ) => {
      calls.push(ms)
      fn()
      return 0 as never
    }) as never)
    try {
      await sleep(90 * 86_400_000)
      await sleep(Infinity)
      await sleep(5)
    } finally {
      spy.mockRestore()
    }
    expect(calls).toEqual([MAX_TIMER_MS, MAX_TIMER_MS, 5])
  })
})

describe('expire-builds: older-than 0', () => {
  const base: Record<string, string> = {
    'key-id': 'ABCDEFGHIJ',
    'issuer-id': '57246542-96fe-1a63-e053-0824d011072a',
    'private-key': pem(),
    'app-id': '1'
  }
  const read = (extra: Record<string, string>) =>
    readExpireSettings(new Inputs((n) => ({ ...base, ...extra })[n], {}))

  it('is refused alone, naming older-than', () => {
    expect(() => read({ 'older-than': '0' })).toThrow(/Input 'older-than': '0' selects every build/)
    expect(() => read({ 'older-than': '0s' })).toThrow(/'older-than'/)
  })

  it('is accepted with keep-latest', () => {
    expect(read({ 'older-than': '0', 'keep-latest': '3' }).olderThanMs).toBe(0)
  })
})

describe('quota running low', () => {
  it('is said once at info level with the remaining quota', async () => {
    const logs: string[] = []
    const logger: Logger = { debug: () => {}, info: (m) => logs.push(m), warning: () => {} }
    const { c } = client(
      () => json({ data: [] }, { 'x-rate-limit': 'user-hour-lim:3600;user-hour-rem:100;' }),
      logger
    )
    for (let i = 0; i < 4; i++) await c.get('/v1/apps')
    const said = logs.filter((l) => /quota/.test(l))
    expect(said).toHaveLength(1)
    expect(said[0]).toMatch(/100 of 3600 left this hour/)
  })
})

describe('a summary on every outcome', () => {
  afterEach(() => {
    runReport.done.length = 0
    runReport.summaryWritten = false
  })

  it('renders the failure with what was already done', () => {
    const report = new RunReport()
    report.step('uploaded MyApp 1.2.0 (42)')
    report.skip('groups: not given')
    const text = failureSummary('Distribute to TestFlight', 'It broke.', report).toString()
    expect(text).toMatch(/^## Distribute to TestFlight\n\n❌ It broke\.\n/)
    expect(text).toMatch(/### Already done\n\n- uploaded MyApp 1\.2\.0 \(42\)/)
    expect(text).toMatch(/### Not done\n\n- groups: not given/)
  })

  it('the run wrapper writes it when the entry did not, with the ::error:: message', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'psec-summary-')), 'summary.md')
    writeFileSync(file, '')
    const env = process.env.GITHUB_STEP_SUMMARY
    process.env.GITHUB_STEP_SUMMARY = file
    const exit = process.exitCode
    try {
      const out = await stdoutOf(() =>
        runAction('expire-builds', async () => {
          runReport.step('found com.example.app')
          throw new EnvironmentError('network', 'No way through')
        })
      )
      expect(out).toMatch(/::error::No way through/)
      const text = readFileSync(file, 'utf8')
      expect(text).toMatch(/^## Expire builds/)
      expect(text).toMatch(/❌ No way through\./)
      expect(text).toMatch(/- found com\.example\.app/)
    } finally {
      process.env.GITHUB_STEP_SUMMARY = env
      process.exitCode = exit
    }
  })
})
