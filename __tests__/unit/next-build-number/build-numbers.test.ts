import { describe, expect, it } from '@jest/globals'
import {
  compareBuildNumbers,
  decide,
  incrementBuildNumber,
  isBuildNumber,
  parseBuildNumber,
  type HeldNumber
} from '../../../src/next-build-number/build-numbers.js'

const cmp = (a: string, b: string) =>
  Math.sign(compareBuildNumbers(parseBuildNumber(a)!, parseBuildNumber(b)!))

let n = 0
const build = (buildNumber: string, o: Partial<HeldNumber> = {}): HeldNumber => ({
  kind: 'build',
  id: `b${++n}`,
  buildNumber,
  ...o
})
const upload = (buildNumber: string, o: Partial<HeldNumber> = {}): HeldNumber => ({
  kind: 'upload',
  id: `u${++n}`,
  buildNumber,
  ...o
})

describe('build numbers', () => {
  it.each([
    ['1.2.10', '1.2.9', 1],
    ['100', '99', 1],
    ['42', '42.0', 0],
    ['42.0.0', '42', 0],
    ['1.10', '1.9', 1],
    ['2', '1.999', 1],
    ['1.0.1', '1', 1],
    ['007', '7', 0],
    ['20261130235959', '20261130235958', 1],
    ['99999999999999999999', '99999999999999999998', 1],
    ['9', '10', -1]
  ])('compares %s with %s numerically part by part', (a, b, expected) => {
    expect(cmp(a, b)).toBe(expected)
    expect(cmp(b, a)).toBe(-expected || 0)
  })

  it.each(['1', '0', '42', '1.2.3', '007', ' 12 ', '1.2.3.4'])(
    'reads %p as a build number',
    (text) => {
      expect(isBuildNumber(text)).toBe(true)
    }
  )

  it.each(['', 'v1', '1.2-beta', '1..2', '.1', '1.', '-1', '1,2', '1 2', 'nightly', '１２'])(
    'refuses %p',
    (text) => {
      expect(isBuildNumber(text)).toBe(false)
      expect(parseBuildNumber(text)).toBeUndefined()
    }
  )

  it.each([
    ['1', '2'],
    ['9', '10'],
    ['99', '100'],
    ['1.2.9', '1.2.10'],
    ['42.0', '42.1'],
    ['007', '008'],
    ['099', '100'],
    ['1.09', '1.10'],
    ['20261130235959', '20261130235960'],
    ['9007199254740993', '9007199254740994']
  ])('the next after %s is %s', (text, next) => {
    expect(incrementBuildNumber(text)).toBe(next)
  })

  it('refuses to increment what is not a build number', () => {
    expect(() => incrementBuildNumber('1.2-beta')).toThrow(/not a build number/)
  })
})

describe('decide', () => {
  it('takes the highest number, wherever it is held, and adds one to its last part', () => {
    const d = decide(
      [
        build('1.2.9'),
        build('99'),
        build('100', { expired: true }),
        upload('42.0'),
        build('1.2.10')
      ],
      '1'
    )
    expect(d.latest?.buildNumber).toBe('100')
    expect(d.latest?.expired).toBe(true)
    expect(d.next).toBe('101')
    expect(d.skipped).toEqual([])
  })

  it('lets an upload ahead of the builds win', () => {
    const d = decide([build('12'), upload('13', { state: 'PROCESSING' })], '1')
    expect(d.latest).toMatchObject({ kind: 'upload', buildNumber: '13' })
    expect(d.next).toBe('14')
  })

  it('skips numbers that are not dot-separated integers, each named once', () => {
    const d = decide(
      [build('1.2-beta'), build('7'), upload('nightly'), build('1.2-beta'), build('')],
      '1'
    )
    expect(d.next).toBe('8')
    expect(d.skipped).toEqual(['1.2-beta', 'nightly', ''])
  })

  it('gives the initial number when nothing is held, or nothing comparable', () => {
    expect(decide([], '1')).toEqual({ next: '1', skipped: [] })
    expect(decide([build('abc')], ' 2026.1 ')).toEqual({ next: '2026.1', skipped: ['abc'] })
  })

  it('of equal numbers (42 = 42.0), reports the build, then the newest, then the longer spelling', () => {
    const u = upload('42.0', { date: '2026-11-02T00:00:00Z' })
    const b = build('42', { date: '2026-11-01T00:00:00Z' })
    expect(decide([u, b], '1').latest).toBe(b)
    expect(decide([b, u], '1').latest).toBe(b)
    const older = build('42', { date: '2026-11-01T00:00:00Z' })
    const newer = build('42.0', { date: '2026-11-03T00:00:00Z' })
    expect(decide([older, newer], '1').latest).toBe(newer)
    expect(decide([newer, older], '1').next).toBe('42.1')
    const short = build('42')
    const long = build('42.0')
    expect(decide([short, long], '1').latest).toBe(long)
    expect(decide([long, short], '1').latest).toBe(long)
  })

  it('is the same whatever the order of the listing', () => {
    const held = [build('5'), upload('1.0.7'), build('5.0.1'), build('x'), upload('4.99')]
    const forward = decide(held, '1')
    const backward = decide([...held].reverse(), '1')
    expect(backward.latest).toBe(forward.latest)
    expect(forward.next).toBe('5.0.2')
  })
})
