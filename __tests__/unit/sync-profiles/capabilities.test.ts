import { describe, expect, it } from '@jest/globals'
import {
  CAPABILITY_TYPES,
  bundleName,
  bundlePlatform,
  readCapabilities
} from '../../../src/sync-profiles/capabilities.js'
import { ConfigurationError } from '../../../src/shared/errors.js'
import { readFileSync } from 'node:fs'

describe('capabilities', () => {
  it("lists exactly Apple's CapabilityType enum", () => {
    const doc = JSON.parse(readFileSync('openapi/openapi.oas.json', 'utf8'))
    expect([...CAPABILITY_TYPES]).toEqual(doc.components.schemas.CapabilityType.enum)
  })

  it('reads names in any case, with dashes, once each', () => {
    expect(readCapabilities(['push-notifications', 'App_Groups', 'PUSH_NOTIFICATIONS'])).toEqual([
      'PUSH_NOTIFICATIONS',
      'APP_GROUPS'
    ])
  })

  it('refuses an unknown one naming the input and the nearest', () => {
    expect(() => readCapabilities(['ICLOD'])).toThrow(ConfigurationError)
    expect(() => readCapabilities(['ICLOD'])).toThrow(/capabilities.*'ICLOD'.*did you mean ICLOUD/)
  })
})

describe('a new bundle ID', () => {
  it('gets its platform from the profile types', () => {
    expect(bundlePlatform(['IOS_APP_STORE', 'TVOS_APP_STORE'])).toBe('IOS')
    expect(bundlePlatform(['MAC_APP_STORE', 'MAC_APP_DIRECT'])).toBe('MAC_OS')
    expect(bundlePlatform(['IOS_APP_STORE', 'MAC_APP_STORE'])).toBe('UNIVERSAL')
    expect(bundlePlatform(['MAC_CATALYST_APP_STORE'])).toBe('IOS')
  })

  it('gets a name of letters, digits and spaces only', () => {
    expect(bundleName('com.example.my-app_2')).toBe('com example my app 2')
    expect(bundleName('...')).toBe('App')
    expect(bundleName(`com.${'a'.repeat(300)}`)).toHaveLength(100)
  })
})
