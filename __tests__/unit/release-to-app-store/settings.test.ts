import { describe, expect, it } from '@jest/globals'
import { generateKeyPairSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { Inputs } from '../../../src/shared/inputs.js'
import { configurationError } from '../../support/configuration-error.js'
import { readSettings } from '../../../src/release-to-app-store/settings.js'

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString()
const base = { 'key-id': 'ABC123DEF4', 'private-key': pem, 'app-id': '123', version: '2.0' }
function read(values: Record<string, string>) {
  const inputs = new Inputs((name) => values[name], {})
  return { settings: readSettings(inputs), inputs }
}

describe('release-to-app-store settings', () => {
  it('reads the version and the phased release move', () => {
    expect(read({ ...base, platform: 'macos', 'phased-release': 'Pause' }).settings).toMatchObject({
      appId: '123',
      platform: 'MAC_OS',
      version: '2.0',
      phasedRelease: 'pause',
      dryRun: false
    })
  })

  it.each<[string, Record<string, string>]>([
    ['phased-release', { 'phased-release': 'stop' }],
    ['version', { version: '' }],
    ['app-id', { 'app-id': '' }]
  ])('refuses a bad %s', (input, values) => {
    expect(configurationError(() => read({ ...base, ...values })).input).toBe(input)
  })

  it('reads exactly the inputs action.yml declares', () => {
    const yml = parse(
      readFileSync(
        join(
          import.meta.dirname,
          '..',
          '..',
          '..',
          'actions',
          'release-to-app-store',
          'action.yml'
        ),
        'utf8'
      )
    ) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> }
    expect([...read(base).inputs.names].sort()).toEqual(Object.keys(yml.inputs).sort())
    expect(Object.keys(yml.outputs).sort()).toEqual([
      'app-store-state',
      'phased-release-state',
      'version-id'
    ])
  })
})
