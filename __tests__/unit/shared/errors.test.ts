import { describe, expect, it } from '@jest/globals'
import { ApiError } from '../../../src/shared/asc/errors.js'
import { ConfigurationError } from '../../../src/shared/errors.js'
import { failureMessage } from '../../../src/shared/run.js'
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
