import { describe, expect, it } from '@jest/globals'
import { generateKeyPairSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { Inputs } from '../../../src/shared/inputs.js'
import { configurationError } from '../../support/configuration-error.js'
import { readSettings } from '../../../src/expire-builds/settings.js'

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString()

const base = {
  'key-id': 'ABC123DEF4',
  'issuer-id': '57246542-96fe-1a63-e053-0824d011072a',
  'private-key': pem,
  'app-id': '123456'
}

function read(values: Record<string, string>) {
  const inputs = new Inputs((name) => values[name], {})
  return { settings: readSettings(inputs), inputs }
}

const failure = (values: Record<string, string>) => configurationError(() => read(values))

describe('expire-builds settings', () => {
  it('reads every input', () => {
    const { settings } = read({
      ...base,
      'bundle-id': 'com.example.app',
      platform: 'macOS',
      version: '2.1',
      'older-than': '30d',
      'keep-latest': '3',
      'keep-build-ids': 'a, b\nc',
      'include-in-review': 'true',
      'dry-run': 'yes'
    })
    expect(settings).toMatchObject({
      appId: '123456',
      bundleId: 'com.example.app',
      platform: 'MAC_OS',
      version: '2.1',
      olderThanMs: 30 * 86_400_000,
      keepLatest: 3,
      keepBuildIds: ['a', 'b', 'c'],
      includeInReview: true,
      dryRun: true
    })
  })

  it('has safe defaults', () => {
    const { settings } = read({ ...base, 'keep-latest': '0' })
    expect(settings).toMatchObject({
      platform: undefined,
      version: undefined,
      olderThanMs: undefined,
      keepLatest: 0,
      keepBuildIds: [],
      includeInReview: false,
      dryRun: false
    })
  })

  it.each([
    ['platform', { platform: 'android', 'keep-latest': '1' }, /ios, macos, tvos, visionos/],
    ['older-than', { 'older-than': 'a month' }, /not a duration/],
    ['keep-latest', { 'keep-latest': '-1' }, /0 or more/],
    ['keep-latest', { 'keep-latest': 'five' }, /whole number/],
    ['include-in-review', { 'include-in-review': 'maybe', 'keep-latest': '1' }, /true or false/],
    ['dry-run', { 'dry-run': 'perhaps', 'keep-latest': '1' }, /true or false/],
    ['older-than', {}, /refuses to run without a criterion/]
  ])('refuses a bad %s', (input, values, message) => {
    const e = failure({ ...base, ...values })
    expect(e.input).toBe(input)
    expect(e.message).toContain(`'${input}'`)
    expect(e.message).toMatch(message)
  })

  it('requires the app', () => {
    const { 'app-id': _, ...noApp } = base
    expect(failure({ ...noApp, 'keep-latest': '1' }).input).toBe('app-id')
  })

  it('reads exactly the inputs action.yml declares', () => {
    const yml = parse(
      readFileSync(
        join(import.meta.dirname, '..', '..', '..', 'actions', 'expire-builds', 'action.yml'),
        'utf8'
      )
    ) as {
      inputs: Record<string, unknown>
      outputs: Record<string, unknown>
      runs: { using: string; main: string }
    }
    const { inputs } = read({ ...base, 'keep-latest': '1' })
    expect([...inputs.names].sort()).toEqual(Object.keys(yml.inputs).sort())
    expect(Object.keys(yml.outputs).sort()).toEqual([
      'expired-build-ids',
      'expired-count',
      'kept-count',
      'plan'
    ])
    expect(yml.runs).toEqual({ using: 'node24', main: '../../dist/expire-builds/index.js' })
  })
})
