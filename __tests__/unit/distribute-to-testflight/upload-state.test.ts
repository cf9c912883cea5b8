import { describe, expect, it } from '@jest/globals'
import { ApiError } from '../../../src/shared/asc/errors.js'
import { refused } from '../../../src/distribute-to-testflight/upload-state.js'
import { duplicateOf } from '../../../src/distribute-to-testflight/duplicate-upload.js'
import { stallWindow } from '../../../src/distribute-to-testflight/upload.js'

const target = { version: '1.2.0', buildNumber: '42' }

describe('refused (a FAILED upload)', () => {
  it.each(['90062', 'ITMS-90186', 'STATE_ERROR.VALIDATION_ERROR.90062'])(
    'names version for a closed train (%s)',
    (code) => {
      const e = refused('A.ipa', 'u1', target, {
        state: 'FAILED',
        errors: [{ code, description: 'must contain a higher version' }]
      })
      expect(e.input).toBe('version')
      expect(e.message).toMatch(/version 1\.2\.0 is closed/)
      expect(e.message).toMatch(/must contain a higher version/)
    }
  )

  it('names ipa-path for anything else, and neutralises server text', () => {
    const e = refused('A.ipa', 'u1', target, {
      state: 'FAILED',
      errors: [{ code: '90900062', description: 'bad\n::error::x' }]
    })
    expect(e.input).toBe('ipa-path')
    expect(e.message).not.toMatch(/\n::error::/)
  })
})

describe('duplicateOf', () => {
  const err = (code: string, pointer?: string, meta?: Record<string, unknown>) =>
    new ApiError(409, 'POST', '/v1/buildUploads', [
      {
        status: '409',
        code,
        title: 't',
        detail: 'd',
        ...(pointer ? { source: { pointer } } : {}),
        ...(meta ? { meta } : {})
      }
    ])

  it('reads Apple’s duplicate with its previousBundleVersion', () => {
    expect(
      duplicateOf(
        err('ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE', '/data/attributes/cfBundleVersion', {
          previousBundleVersion: '57'
        })
      )
    ).toEqual({ previous: '57' })
    expect(duplicateOf(err('ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE'))).toEqual({
      previous: undefined
    })
  })

  it('ignores other conflicts', () => {
    expect(duplicateOf(err('STATE_ERROR'))).toBeUndefined()
    expect(
      duplicateOf(err('ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE', '/data/attributes/platform'))
    ).toBeUndefined()
    expect(duplicateOf(new Error('x'))).toBeUndefined()
  })
})

describe('stallWindow', () => {
  it('is a tenth of the time left, between 1 s and a minute', () => {
    expect(stallWindow(30 * 60_000)).toBe(60_000)
    expect(stallWindow(20_000)).toBe(2000)
    expect(stallWindow(500)).toBe(1000)
  })
})
