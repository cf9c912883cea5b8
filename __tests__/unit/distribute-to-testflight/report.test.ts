import { describe, expect, it } from '@jest/globals'
import {
  outcomeLine,
  renderSummary,
  type SummaryFacts
} from '../../../src/distribute-to-testflight/report.js'
import type { ApplyResult } from '../../../src/distribute-to-testflight/apply.js'
import { validBuild } from '../../support/fake-testflight-api.js'

const app = { id: '1234567890', bundleId: 'com.example.app', name: 'Example' }
const result = (over: Partial<ApplyResult> = {}): ApplyResult => ({
  complianceSet: false,
  localizations: [],
  groupsAdded: ['Friends and Family'],
  groupsAlready: [],
  groupsAllBuilds: ['QA'],
  groupsRefused: [],
  testersAdded: [],
  testersAlready: [],
  reviewSubmitted: false,
  notes: [],
  ...over
})
const facts = (over: Partial<SummaryFacts> = {}): SummaryFacts => ({
  app,
  build: validBuild({
    version: '1.2.0',
    buildNumber: '42',
    uploadedDate: '2026-11-23T18:17:05.000+0000'
  }),
  target: { buildNumber: '42', platform: 'IOS' },
  waitedMs: 3000,
  result: result(),
  requests: 9,
  ...over
})

describe('renderSummary', () => {
  it('leads with one heading and a ✅ line, links the app and the build, names the platform as Apple does', () => {
    const md = renderSummary(facts())
    const lines = md.split('\n')
    expect(lines[0]).toBe('## Distribute to TestFlight')
    expect(lines[2]).toBe('✅ Example 1.2.0 (42) is on TestFlight for Friends and Family and QA.')
    expect(md).toContain('[Example](https://appstoreconnect.apple.com/apps/1234567890)')
    expect(md).toContain(
      '[1.2.0 (42)](https://appstoreconnect.apple.com/apps/1234567890/testflight/ios/B1) (B1, uploaded 2026-11-23 18:17 UTC)'
    )
    expect(md).toContain('**Platform:** iOS')
    expect(md).toContain('**Groups:** Friends and Family (added), QA (has every build)')
    expect(md).toContain(
      '<details><summary>Requests</summary>\n\n9 request(s) to App Store Connect.'
    )
    expect(md.match(/^#{1,2} /gm)).toHaveLength(1)
  })

  it('on a failure: ❌ with the error and what was already done', () => {
    const md = renderSummary(
      facts({
        result: undefined,
        error: 'Build (42) … (processing-timeout).',
        done: ['uploaded App.ipa', 'notes set']
      })
    )
    expect(md).toContain('❌ Build (42) … (processing-timeout).')
    expect(md).toContain('**Already done:** uploaded App.ipa, notes set.')
  })

  it('on a partial success: ⚠️, with skipped steps, warnings and refused groups', () => {
    const md = renderSummary(
      facts({
        result: result({ groupsRefused: [{ name: 'Old', detail: 'nope' }] }),
        skipped: ['groups: the build is PROCESSING'],
        warnings: ['What to Test (en-US) has 5000 characters; … cut to 3999.']
      })
    )
    expect(md).toMatch(/^⚠️ /m)
    expect(md).toContain('Old (refused)')
    expect(md).toContain(
      '### Notes\n\n- Skipped: groups: the build is PROCESSING\n- What to Test (en-US)'
    )
  })

  it('links only Apple’s own public links', () => {
    const link = (publicLink: string) =>
      renderSummary(facts({ result: result({ publicLink, publicLinkGroup: 'Beta' }) }))
    expect(link('https://testflight.apple.com/join/AbC123')).toContain(
      '[https://testflight.apple.com/join/AbC123](https://testflight.apple.com/join/AbC123) (Beta)'
    )
    expect(link('https://evil.example/join/x')).toContain(
      '**Public link:** https://evil.example/join/x (Beta)'
    )
  })
})

describe('outcomeLine', () => {
  it('says where the build is', () => {
    expect(outcomeLine(facts({ result: result({ groupsAllBuilds: [], groupsAdded: [] }) }))).toBe(
      'Example 1.2.0 (42) is on TestFlight.'
    )
    expect(
      outcomeLine(facts({ build: validBuild({ processingState: 'PROCESSING', version: '1.2.0' }) }))
    ).toBe('Example 1.2.0 (42) is PROCESSING in App Store Connect.')
  })
})
