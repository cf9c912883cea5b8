import { describe, expect, it } from '@jest/globals'
import { Inputs } from '../../../src/shared/inputs.js'
import { parseDuration, formatDuration } from '../../../src/shared/duration.js'
import { configurationError } from '../../support/configuration-error.js'

const inputs = (values: Record<string, string>, env: Record<string, string> = {}) =>
  new Inputs((name) => values[name], env)

const errorOf = configurationError

describe('Inputs', () => {
  it('trims, treats blank as unset, and falls back to the environment (an input wins)', () => {
    expect(inputs({ a: '  x  ' }).optional('a')).toBe('x')
    expect(inputs({ a: '   ' }).optional('a')).toBeUndefined()
    expect(
      inputs({}, { APP_STORE_CONNECT_KEY_ID: 'ENVKEY' }).optional(
        'key-id',
        'APP_STORE_CONNECT_KEY_ID'
      )
    ).toBe('ENVKEY')
    expect(
      inputs({ 'key-id': 'INPUT' }, { APP_STORE_CONNECT_KEY_ID: 'ENVKEY' }).optional(
        'key-id',
        'APP_STORE_CONNECT_KEY_ID'
      )
    ).toBe('INPUT')
  })

  it('required names the input and the hint', () => {
    const e = errorOf(() => inputs({}).required('build-number', 'give the CFBundleVersion'))
    expect(e.input).toBe('build-number')
    expect(e.message).toBe("Input 'build-number': is required: give the CFBundleVersion")
  })

  it.each([
    ['true', true],
    ['TRUE', true],
    ['yes', true],
    ['1', true],
    ['false', false],
    ['No', false],
    ['0', false]
  ])('boolean %s', (text, value) => {
    expect(inputs({ b: text }).boolean('b', !value)).toBe(value)
  })

  it('boolean refuses anything else, and unset gives the default', () => {
    expect(errorOf(() => inputs({ 'dry-run': 'maybe' }).boolean('dry-run', false)).message).toMatch(
      /'dry-run'.*true or false.*maybe/
    )
    expect(inputs({}).boolean('dry-run', true)).toBe(true)
    expect(inputs({}).tristate('x')).toBeUndefined()
    expect(inputs({ x: 'false' }).tristate('x')).toBe(false)
  })

  it('integer checks whole numbers and ranges instead of silently using the default', () => {
    expect(inputs({ n: '42' }).integer('n')).toBe(42)
    expect(inputs({}).integer('n', { fallback: 30 })).toBe(30)
    expect(
      errorOf(() => inputs({ 'keep-latest': 'ten' }).integer('keep-latest', { min: 0 })).message
    ).toMatch(/'keep-latest'.*whole number.*ten/)
    expect(
      errorOf(() => inputs({ 'keep-latest': '-1' }).integer('keep-latest', { min: 0 })).message
    ).toMatch(/0 or more, not -1/)
    expect(
      errorOf(() =>
        inputs({ 'public-link-limit': '10001' }).integer('public-link-limit', {
          min: 1,
          max: 10000
        })
      ).message
    ).toMatch(/from 1 to 10000/)
    expect(errorOf(() => inputs({ n: '1.5' }).integer('n')).input).toBe('n')
  })

  it('enumeration is case-insensitive, returns the canonical spelling, and lists the choices', () => {
    expect(inputs({ platform: 'iOS' }).enumeration('platform', ['ios', 'macos'] as const)).toBe(
      'ios'
    )
    expect(inputs({}).enumeration('platform', ['ios', 'macos'] as const, 'ios')).toBe('ios')
    expect(
      errorOf(() => inputs({ platform: 'android' }).enumeration('platform', ['ios', 'macos']))
        .message
    ).toMatch(/one of ios, macos; got 'android'/)
  })

  it('list splits on commas and new lines, drops blanks and duplicates', () => {
    expect(inputs({ l: 'a, b\n\nc,a\n' }).list('l')).toEqual(['a', 'b', 'c'])
    expect(inputs({}).list('l')).toEqual([])
  })

  it('duration takes units and plain seconds', () => {
    expect(inputs({ d: '30m' }).duration('d')).toBe(1_800_000)
    expect(inputs({}).duration('d', '30s')).toBe(30_000)
    expect(
      errorOf(() => inputs({ 'poll-interval': 'soon' }).duration('poll-interval')).message
    ).toMatch(/'poll-interval'.*500ms, 90s, 30m, 2h, 30d/)
  })

  it('json parses or names the input', () => {
    expect(inputs({ j: '{"a":1}' }).json('j')).toEqual({ a: 1 })
    expect(errorOf(() => inputs({ body: '{nope' }).json('body')).input).toBe('body')
  })

  it('records every name it reads, so action.yml can be compared with the settings', () => {
    const i = inputs({})
    i.optional('a')
    i.boolean('b', false)
    i.list('c')
    expect([...i.names]).toEqual(['a', 'b', 'c'])
  })
})

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['30d', 2_592_000_000],
    ['45', 45_000],
    ['1.5', 1500],
    ['0.25s', 250],
    [' 10 m ', 600_000]
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms))

  it.each(['', 'abc', '-5s', '10w', '1e3'])('refuses %p', (text) =>
    expect(parseDuration(text)).toBeUndefined()
  )

  it('formats for people', () => {
    expect(formatDuration(250)).toBe('250ms')
    expect(formatDuration(90_000)).toBe('1m 30s')
    expect(formatDuration(7_200_000)).toBe('2h')
  })
})
