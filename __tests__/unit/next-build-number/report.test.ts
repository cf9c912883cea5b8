import { describe, expect, it } from '@jest/globals'
import {
  describeHeld,
  failureSummary,
  formatDate,
  scope,
  summarize
} from '../../../src/next-build-number/report.js'
import type { NextBuildNumberSettings } from '../../../src/next-build-number/settings.js'

const settings = { platform: 'MAC_OS', version: '2.0', initial: '1' } as NextBuildNumberSettings
const app = { id: '64', bundleId: 'com.example.app', name: 'App' }
const counts = { builds: 450, uploads: 2, buildPages: 3, uploadPages: 1, requests: 5 }

describe('next-build-number report', () => {
  it('writes dates as the summary style asks', () => {
    expect(formatDate('2026-11-23T18:17:42.123Z')).toBe('2026-11-23 18:17 UTC')
    expect(formatDate('2026-11-23T20:17:42+02:00')).toBe('2026-11-23 18:17 UTC')
    expect(formatDate(undefined)).toBeUndefined()
    expect(formatDate('yesterday')).toBeUndefined()
  })

  it('says where a number came from', () => {
    expect(
      describeHeld({
        kind: 'build',
        id: 'b',
        buildNumber: '45',
        version: '1.2.0',
        date: '2026-11-23T18:17:00Z',
        state: 'VALID',
        expired: true
      })
    ).toBe('build 45 of version 1.2.0, uploaded 2026-11-23 18:17 UTC (expired)')
    expect(
      describeHeld({
        kind: 'upload',
        id: 'u',
        buildNumber: '46',
        version: '1.2.0',
        date: '2026-11-24T08:00:00Z',
        state: 'AWAITING_UPLOAD'
      })
    ).toBe('build upload 46 of version 1.2.0, created 2026-11-24 08:00 UTC (awaiting upload)')
    expect(describeHeld({ kind: 'build', id: 'b', buildNumber: '7', state: 'PROCESSING' })).toBe(
      'build 7 (processing)'
    )
  })

  it('names the platform as Apple does', () => {
    expect(scope(settings)).toBe('macOS builds of version 2.0')
    expect(scope({ platform: 'VISION_OS' })).toBe('visionOS builds of every version')
  })

  it('has one heading and one status line, internal figures folded away', () => {
    const text = summarize(settings, app, {
      decision: {
        latest: { kind: 'build', id: 'b', buildNumber: '1.2.9', version: '2.0' },
        next: '1.2.10',
        skipped: []
      },
      counts,
      incomplete: false
    }).toString()
    expect(text.match(/^## /gm)).toHaveLength(1)
    expect(text).toContain(
      '## Next build number\n\n✅ Next build number: **1.2.10**, after build 1.2.9 of version 2.0.'
    )
    expect(text).toContain('<details><summary>Requests</summary>')
    expect(text).toContain(
      '5 request(s), none changing anything: 1 app lookup, 3 page(s) of builds, 1 page(s) of build uploads.'
    )
    expect(text).not.toContain('Skipped')
  })

  it('warns in its status line when numbers were skipped', () => {
    const text = summarize(settings, app, {
      decision: { next: '1', skipped: ['1.0-beta'] },
      counts,
      incomplete: false
    }).toString()
    expect(text).toContain(
      '⚠️ Next build number: **1**, the initial number: no build or upload yet.'
    )
    expect(text).toContain('`1.0-beta`')
  })

  it('writes the failure as the error says it', () => {
    expect(failureSummary("Input 'initial': 'v1' is not a build number").toString()).toBe(
      "## Next build number\n\n❌ Input 'initial': 'v1' is not a build number\n"
    )
  })
})
