import { describe, expect, it } from '@jest/globals'
import { generateKeyPairSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { Inputs } from '../../../src/shared/inputs.js'
import { configurationError } from '../../support/configuration-error.js'
import { readSettings } from '../../../src/next-build-number/settings.js'

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

describe('next-build-number settings', () => {
  it('reads every input', () => {
    const { settings } = read({
      ...base,
      'bundle-id': 'com.example.app',
      platform: 'visionOS',
      version: '2.1',
      initial: '2026.1.0'
    })
    expect(settings).toMatchObject({
      appId: '123456',
      bundleId: 'com.example.app',
      platform: 'VISION_OS',
      version: '2.1',
      initial: '2026.1.0'
    })
  })

  it('defaults to iOS, every version and 1', () => {
    expect(read(base).settings).toMatchObject({ platform: 'IOS', version: undefined, initial: '1' })
  })

  it.each([
    ['platform', { platform: 'android' }, /ios, macos, tvos, visionos/],
    ['initial', { initial: '1.0-beta' }, /'1\.0-beta' is not a build number/],
    ['initial', { initial: '0x10' }, /not a build number/]
  ])('refuses a bad %s', (input, values, message) => {
    const e = configurationError(() => read({ ...base, ...values }))
    expect(e.input).toBe(input)
    expect(e.message).toContain(`'${input}'`)
    expect(e.message).toMatch(message)
  })

  it('requires the app', () => {
    const { 'app-id': _, ...noApp } = base
    expect(configurationError(() => read(noApp)).input).toBe('app-id')
  })

  it('reads exactly the inputs action.yml declares', () => {
    const yml = parse(
      readFileSync(
        join(import.meta.dirname, '..', '..', '..', 'actions', 'next-build-number', 'action.yml'),
        'utf8'
      )
    ) as {
      inputs: Record<string, { default?: string }>
      outputs: Record<string, unknown>
      runs: { using: string; main: string }
    }
    const { inputs } = read(base)
    expect([...inputs.names].sort()).toEqual(Object.keys(yml.inputs).sort())
    expect(Object.keys(yml.outputs).sort()).toEqual([
      'build-number',
      'latest-build-number',
      'source'
    ])
    expect(yml.inputs.initial.default).toBe('1')
    expect(yml.runs).toEqual({ using: 'node24', main: '../../dist/next-build-number/index.js' })
  })
})
