import { describe, expect, it } from '@jest/globals'
import { ApiError } from '../../../src/shared/asc/errors.js'
import {
  ConfigurationError,
  EnvironmentError,
  OperationFailedError,
  TimeoutError,
  sentences
} from '../../../src/shared/errors.js'
import { classifyError, failureMessage } from '../../../src/shared/run.js'
import { redact } from '../../../src/shared/redact.js'
import { parseRateLimit, RateLimiter } from '../../../src/shared/asc/rate-limit.js'

const err = (status: number, code: string, detail: string, extra: object = {}) => ({
  status: String(status),
  code,
  title: 'Title',
  detail,
  ...extra
})

describe('ApiError messages say what happened and what to do', () => {
  it('401: key ID, issuer ID, clock, revoked key', () => {
    const e = new ApiError(401, 'GET', '/v1/apps', [
      err(401, 'NOT_AUTHORIZED', 'Provide a properly configured and signed bearer token')
    ])
    expect(e.message).toMatch(
      /answered 401 to GET \/v1\/apps: NOT_AUTHORIZED: Title: Provide a properly configured/
    )
    expect(e.message).toMatch(/key-id.*issuer-id.*clock.*revoked/)
  })

  it('403 agreements: the Account Holder must accept them', () => {
    const e = new ApiError(403, 'GET', '/v1/apps', [
      err(403, 'FORBIDDEN.REQUIRED_AGREEMENTS_MISSING_OR_EXPIRED', 'agreements')
    ])
    expect(e.message).toMatch(/Account Holder must accept the latest agreements/)
  })

  it('403 on provisioning: individual keys cannot, roles', () => {
    const e = new ApiError(403, 'GET', '/v1/profiles', [err(403, 'FORBIDDEN_ERROR', 'not allowed')])
    expect(e.message).toMatch(/individual keys cannot manage/)
  })

  it('403 elsewhere: the role is too low', () => {
    const e = new ApiError(403, 'POST', '/v1/userInvitations', [
      err(403, 'FORBIDDEN_ERROR', 'not allowed')
    ])
    expect(e.message).toMatch(/role does not allow this.*App Manager or Admin/)
  })

  it('404, 409 STATE_ERROR and 429 each get their advice', () => {
    expect(
      new ApiError(404, 'GET', '/v1/apps/9', [err(404, 'NOT_FOUND', 'no app')]).message
    ).toMatch(/does not exist, or this key cannot see it/)
    const conflict = new ApiError(409, 'POST', '/v1/betaAppReviewSubmissions', [
      err(409, 'STATE_ERROR.ENTITY_STATE_INVALID', 'already submitted')
    ])
    expect(conflict.hasCode('STATE_ERROR')).toBe(true)
    expect(conflict.message).toMatch(/not in a state that allows this/)
    expect(
      new ApiError(429, 'GET', '/v1/apps', [err(429, 'RATE_LIMIT_EXCEEDED', 'slow down')]).message
    ).toMatch(/hourly request quota/)
  })

  it('includes the source pointer and associated errors', () => {
    const e = new ApiError(409, 'POST', '/v1/betaGroups', [
      err(409, 'ENTITY_ERROR', 'invalid', {
        source: { pointer: '/data/attributes/name' },
        meta: {
          associatedErrors: {
            '/v1/betaGroups': [err(409, 'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE', 'name taken')]
          }
        }
      })
    ])
    expect(e.message).toMatch(/at \/data\/attributes\/name/)
    expect(e.message).toMatch(/DUPLICATE.*name taken/)
  })
})

describe('the run wrapper message', () => {
  it('passes configuration and API errors through, and marks anything else as a bug', () => {
    expect(failureMessage('x', new ConfigurationError('bad', 'key-id'))).toBe("Input 'key-id': bad")
    expect(failureMessage('x', 'a thrown string')).toMatch(
      /x failed unexpectedly: a thrown string\. This is a bug/
    )
    expect(failureMessage('x', { weird: true })).toMatch(/\{"weird":true\}/)
  })

  it('redacts anything shaped like a token or a private key', () => {
    const text =
      'token eyJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJhcHBzdG9yZSJ9.c2lnbmF0dXJlMTIz and -----BEGIN PRIVATE KEY-----\nMIG\n-----END PRIVATE KEY-----'
    expect(redact(text)).toBe('token [token redacted] and [private key redacted]')
  })
})

/** A Node system error as fs and net raise them. */
function systemError(code: string, syscall: string, path?: string): NodeJS.ErrnoException {
  const e = new Error(
    `${code}: something, ${syscall}${path ? ` '${path}'` : ''}`
  ) as NodeJS.ErrnoException
  e.code = code
  e.syscall = syscall
  if (path) e.path = path
  return e
}

describe('sentences()', () => {
  it('ends each part with exactly one full stop and skips empty parts', () => {
    expect(sentences('One', 'Two.', undefined, '', false, '  Three?  ')).toBe('One. Two. Three?')
    expect(sentences('It failed (HTTP 504)', 'Run it again.')).toBe(
      'It failed (HTTP 504). Run it again.'
    )
    expect(sentences()).toBe('')
  })
})

describe('each error class says what happened and what to do', () => {
  it('ConfigurationError names its input once', () => {
    expect(new ConfigurationError('bad value', 'key-id').message).toBe("Input 'key-id': bad value")
    expect(new ConfigurationError("'key-id' is bad", 'key-id').message).toBe("'key-id' is bad")
    expect(new ConfigurationError('no input').input).toBeUndefined()
  })

  it('OperationFailedError and TimeoutError keep their message and name', () => {
    const failed = new OperationFailedError('Build 1.0 (5) finished processing as INVALID.')
    expect([failed.name, failed.message]).toEqual([
      'OperationFailedError',
      'Build 1.0 (5) finished processing as INVALID.'
    ])
    const late = new TimeoutError('Still PROCESSING.')
    expect([late.name, late.message]).toEqual(['TimeoutError', 'Still PROCESSING.'])
  })

  it('EnvironmentError adds the advice of its kind, with no double full stop', () => {
    const advice: Record<EnvironmentError['kind'], RegExp> = {
      network: /failed\. Check the runner's network \(proxy, firewall, DNS\) and api-base-url/,
      timeout:
        /failed\. App Store Connect or the network did not answer in time; run the step again/,
      redirect: /failed\. Check api-base-url: it must name the API host itself/,
      'upload-host': /failed\. Apple's upload host did not take the file; .*new upload/,
      file: /failed\. Check the path, its permissions and the free disk space/
    }
    for (const [kind, pattern] of Object.entries(advice)) {
      const e = new EnvironmentError(kind as EnvironmentError['kind'], 'It failed.')
      expect(e.kind).toBe(kind)
      expect(e.name).toBe('EnvironmentError')
      expect(e.message).toMatch(pattern)
      expect(e.message).not.toMatch(/\.\./)
      expect(e.message).not.toMatch(/bug/)
    }
  })

  it('EnvironmentError takes its own advice, or none, and keeps the cause', () => {
    const cause = new Error('ECONNRESET')
    const e = new EnvironmentError('network', 'The answer was lost', {
      advice: 'Run the step again: it picks up the current state.',
      cause
    })
    expect(e.message).toBe(
      'The answer was lost. Run the step again: it picks up the current state.'
    )
    expect(e.cause).toBe(cause)
    expect(new EnvironmentError('file', 'Disk full', { advice: false }).message).toBe('Disk full.')
  })
})

describe('the run wrapper classifies what is not a bug', () => {
  it('prints an EnvironmentError as it is, without calling it a bug', () => {
    const e = new EnvironmentError(
      'upload-host',
      'The upload of part 2 of 3 failed 5 times (last: HTTP 504)'
    )
    expect(failureMessage('distribute-to-testflight', e)).toBe(e.message)
    expect(e.message).toMatch(/\(last: HTTP 504\)\. Apple's upload host/)
  })

  it.each([
    [
      'ENOENT',
      'open',
      '/work/app.ipa',
      /Could not open '\/work\/app\.ipa': no such file or directory \(ENOENT\)\. Check the path/
    ],
    ['EACCES', 'mkdir', '/out', /Could not mkdir '\/out': permission denied \(EACCES\)/],
    ['EISDIR', 'read', undefined, /Could not read a file: it is a directory \(EISDIR\)/],
    [
      'ENOSPC',
      'write',
      '/tmp/x',
      /no space left on the device \(ENOSPC\)\. Check the path, its permissions and the free disk space/
    ]
  ])('a file-system %s from %s is a file error', (code, syscall, path, pattern) => {
    const error = systemError(code, syscall, path)
    const classified = classifyError(error)
    expect(classified).toBeInstanceOf(EnvironmentError)
    expect((classified as EnvironmentError).kind).toBe('file')
    expect((classified as EnvironmentError).cause).toBe(error)
    const message = failureMessage('sync-profiles', error)
    expect(message).toMatch(pattern)
    expect(message).not.toMatch(/bug|unexpectedly|\.\./)
  })

  it('a socket or resolver error is a network error', () => {
    for (const [code, syscall] of [
      ['ECONNRESET', 'read'],
      ['ENOTFOUND', 'getaddrinfo'],
      ['ECONNREFUSED', 'connect']
    ]) {
      const classified = classifyError(systemError(code, syscall)) as EnvironmentError
      expect(classified).toBeInstanceOf(EnvironmentError)
      expect(classified.kind).toBe('network')
      expect(classified.message).toMatch(new RegExp(`${code}.*Check the runner's network`))
    }
  })

  it('a TypeError, an unknown code or a code-less error stays a bug, said once', () => {
    const typeError = new TypeError("Cannot read properties of undefined (reading 'id')")
    expect(classifyError(typeError)).toBe(typeError)
    expect(failureMessage('api', typeError)).toBe(
      "api failed unexpectedly: Cannot read properties of undefined (reading 'id'). This is a bug in app-store-connect-actions; please report it with the step's debug log (ACTIONS_STEP_DEBUG)."
    )
    const odd = Object.assign(new Error('ERR_SOMETHING: odd'), { code: 'ERR_SOMETHING' })
    expect(classifyError(odd)).toBe(odd)
    expect(failureMessage('api', new Error('it ended with a full stop.'))).toMatch(
      /full stop\. This is a bug/
    )
    expect(failureMessage('api', new Error('it ended with a full stop.'))).not.toMatch(/\.\./)
  })
})

describe('X-Rate-Limit', () => {
  it('parses the hour bucket and a minute bucket separated by a comma', () => {
    expect(
      parseRateLimit(
        'user-hour-lim:3600;user-hour-rem:3421;, user-minute-lim:300;user-minute-rem:12;'
      )
    ).toEqual([
      { name: 'user-hour', limit: 3600, remaining: 3421, windowMs: 3_600_000 },
      { name: 'user-minute', limit: 300, remaining: 12, windowMs: 60_000 }
    ])
    expect(parseRateLimit('garbage')).toEqual([])
    expect(parseRateLimit(undefined)).toEqual([])
  })

  it('spaces requests so the rest of a low bucket lasts its window', () => {
    const limiter = new RateLimiter()
    limiter.observe('user-minute-lim:300;user-minute-rem:20;')
    const now = 1_000_000
    expect(limiter.delay(now)).toBe(0)
    expect(limiter.delay(now)).toBe(3000)
    expect(limiter.delay(now)).toBe(6000)
  })
})
