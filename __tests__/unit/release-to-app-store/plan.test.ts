import { describe, expect, it } from '@jest/globals'
import type { StoreVersion } from '../../../src/shared/asc/app-store-versions.js'
import { decideRelease } from '../../../src/release-to-app-store/plan.js'
import { configurationError } from '../../support/configuration-error.js'

const version = (state: string, phased?: string): StoreVersion => ({
  id: 'v2',
  versionString: '2.0',
  platform: 'IOS',
  state,
  localizations: [],
  phasedRelease: phased ? { id: 'p1', state: phased } : undefined
})

describe('release-to-app-store plan', () => {
  it('releases a version pending developer release; a released one needs nothing', () => {
    expect(decideRelease(version('PENDING_DEVELOPER_RELEASE'), { version: '2.0' })).toEqual({
      release: true,
      already: []
    })
    expect(decideRelease(version('READY_FOR_DISTRIBUTION'), { version: '2.0' })).toEqual({
      release: false,
      already: ['2.0 is already released (READY_FOR_DISTRIBUTION)']
    })
  })

  it('moves the phased release, judging from ACTIVE once a pending version is released', () => {
    expect(
      decideRelease(version('PENDING_DEVELOPER_RELEASE', 'INACTIVE'), {
        version: '2.0',
        phasedRelease: 'pause'
      }).phased
    ).toEqual({
      id: 'p1',
      from: 'ACTIVE',
      to: 'PAUSED'
    })
    expect(
      decideRelease(version('READY_FOR_DISTRIBUTION', 'PAUSED'), {
        version: '2.0',
        phasedRelease: 'complete'
      }).phased?.to
    ).toBe('COMPLETE')
    expect(
      decideRelease(version('READY_FOR_DISTRIBUTION', 'PAUSED'), {
        version: '2.0',
        phasedRelease: 'pause'
      })
    ).toEqual({
      release: false,
      already: expect.arrayContaining(['the phased release is already PAUSED'])
    })
  })

  it.each<[string, StoreVersion | undefined, 'pause' | 'resume' | undefined, string]>([
    ['an unknown version', undefined, undefined, 'version'],
    ['a version in review', version('IN_REVIEW'), undefined, 'version'],
    ['no phased release', version('READY_FOR_DISTRIBUTION'), 'pause', 'phased-release'],
    [
      'resuming an active one',
      version('READY_FOR_DISTRIBUTION', 'COMPLETE'),
      'resume',
      'phased-release'
    ]
  ])('refuses %s', (_name, v, phasedRelease, input) => {
    expect(
      configurationError(() => decideRelease(v, { version: '2.0', phasedRelease })).input
    ).toBe(input)
  })
})
