import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  isUdid,
  parseDevicesFile,
  readDevicesFile
} from '../../../src/sync-profiles/devices-file.js'

const IPHONE_OLD = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const IPHONE = '00008030-001A35E11A88003A'
const MAC = 'A5B5CD50-14AB-5AF7-8B78-AB4751AB10A8'

describe('devices-file', () => {
  it("reads Apple's format with a header, comments, blank lines and CRLF", () => {
    const text = [
      'Device ID\tDevice Name\tDevice Platform',
      '# the QA phones',
      '',
      `${IPHONE_OLD}\tOld iPhone\tios`,
      `${IPHONE}\tAnna's iPhone 15`,
      `${MAC}\tBuild Mac\tmac`,
      ''
    ].join('\r\n')
    expect(parseDevicesFile(text)).toEqual([
      { udid: IPHONE_OLD, name: 'Old iPhone', platform: 'IOS', line: 4 },
      { udid: IPHONE, name: "Anna's iPhone 15", platform: 'IOS', line: 5 },
      { udid: MAC, name: 'Build Mac', platform: 'MAC_OS', line: 6 }
    ])
  })

  it('keeps a UDID listed twice once (compared without case)', () => {
    expect(parseDevicesFile(`${IPHONE}\tA\n${IPHONE.toLowerCase()}\tB\n`)).toHaveLength(1)
  })

  it('accepts a file without a header', () => {
    expect(parseDevicesFile(`${IPHONE}\tPhone`)).toHaveLength(1)
  })

  const bad: Array<[string, string, RegExp]> = [
    [
      'a line without a tab',
      `Device ID\tDevice Name\n${IPHONE} Phone`,
      /line 2: expected a UDID and a name separated by a tab/
    ],
    ['a bad UDID', `# c\n\nnot-a-udid\tPhone`, /line 3: 'not-a-udid' is not a device UDID/],
    ['an empty name', `${IPHONE}\t`, /line 1: the device .* has no name/],
    [
      'an unknown platform',
      `${IPHONE}\tPhone\twindows`,
      /line 1: 'windows' is not a device platform: use ios or mac/
    ],
    ['too many fields', `${IPHONE}\tPhone\tios\textra`, /line 1: has more than three/],
    ['a name over 50 characters', `${IPHONE}\t${'x'.repeat(51)}`, /longer than the 50 characters/]
  ]
  it.each(bad)('refuses %s, naming the input and the line', (_, text, message) => {
    expect(() => parseDevicesFile(text)).toThrow(message)
    expect(() => parseDevicesFile(text)).toThrow(/Input 'devices-file'/)
  })

  it('says when the file cannot be read', () => {
    expect(() => readDevicesFile('/nonexistent/devices.txt')).toThrow(
      /Input 'devices-file': cannot read '\/nonexistent\/devices.txt' \(ENOENT\)/
    )
  })

  it('reads a file from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'devices-'))
    writeFileSync(join(dir, 'devices.txt'), `Device ID\tDevice Name\n${IPHONE}\tPhone\n`)
    expect(readDevicesFile(join(dir, 'devices.txt'))).toEqual([
      { udid: IPHONE, name: 'Phone', platform: 'IOS', line: 2 }
    ])
  })

  it('knows the UDID forms', () => {
    expect([IPHONE_OLD, IPHONE, MAC].every(isUdid)).toBe(true)
    expect(['', '1234', `${IPHONE}0`, 'zz008030-001A35E11A88003A'].some(isUdid)).toBe(false)
  })
})
