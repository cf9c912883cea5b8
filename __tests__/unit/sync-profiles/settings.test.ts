import { describe, expect, it } from '@jest/globals'
import { generateKeyPairSync } from 'node:crypto'
import { parse } from 'yaml'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Inputs } from '../../../src/shared/inputs.js'
import { readSettings } from '../../../src/sync-profiles/settings.js'
import { configurationError } from '../../support/configuration-error.js'
import { ROOT } from '../../../tools/e2e-harness.js'

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString()

const base = {
  'key-id': 'ABC123DEF4',
  'issuer-id': '57246542-96fe-1a63-e053-0824d011072a',
  'private-key': pem,
  'bundle-ids': 'com.example.app',
  'profile-types': 'IOS_APP_STORE'
}

function read(
  values: Record<string, string>,
  env: NodeJS.ProcessEnv = { RUNNER_TEMP: '/runner/temp', RUNNER_OS: 'Linux' }
) {
  const inputs = new Inputs((name) => values[name], {})
  return { settings: readSettings(inputs, env), inputs }
}

const failure = (values: Record<string, string>) => configurationError(() => read(values))

describe('sync-profiles settings', () => {
  it('reads every input', () => {
    const { settings } = read({
      ...base,
      'bundle-ids': 'com.example.app\ncom.example.app.widget, com.example.app',
      'profile-types': 'IOS_APP_STORE, ios_app_development',
      'certificate-ids': 'ABC123, DEF456',
      'devices-file': 'devices.txt',
      'renew-within-days': '14',
      'create-missing': 'false',
      'output-dir': '/tmp/profiles',
      install: 'TRUE',
      'dry-run': 'yes',
      cache: 'save'
    })
    expect(settings).toMatchObject({
      bundleIds: ['com.example.app', 'com.example.app.widget'],
      profileTypes: ['IOS_APP_STORE', 'IOS_APP_DEVELOPMENT'],
      certificateIds: ['ABC123', 'DEF456'],
      devicesFile: 'devices.txt',
      renewWithinDays: 14,
      createMissing: false,
      outputDir: '/tmp/profiles',
      install: true,
      dryRun: true,
      cache: 'save'
    })
  })

  it('has the documented defaults', () => {
    const { settings } = read(base)
    expect(settings).toMatchObject({
      certificateIds: [],
      devicesFile: undefined,
      renewWithinDays: 30,
      createMissing: true,
      outputDir: '/runner/temp/provisioning-profiles',
      install: false,
      dryRun: false,
      cache: 'false'
    })
  })

  it('installs by default on macOS only', () => {
    expect(read(base, { RUNNER_OS: 'macOS', RUNNER_TEMP: '/t' }).settings.install).toBe(true)
    expect(read(base, { RUNNER_OS: 'Linux', RUNNER_TEMP: '/t' }).settings.install).toBe(
      process.platform === 'darwin'
    )
    expect(read({ ...base, install: 'false' }, { RUNNER_OS: 'macOS' }).settings.install).toBe(false)
  })

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    [
      'an individual key (no issuer ID)',
      { ...base, 'issuer-id': '' },
      /Input 'issuer-id'.*individual API key.*only with a team key/
    ],
    ['no bundle IDs', { ...base, 'bundle-ids': ' ' }, /Input 'bundle-ids': is required/],
    [
      'a bundle ID with a space',
      { ...base, 'bundle-ids': 'com.example app' },
      /'com\.example app' is not a bundle identifier/
    ],
    ['no profile types', { ...base, 'profile-types': '' }, /Input 'profile-types': is required/],
    [
      'an unknown profile type',
      { ...base, 'profile-types': 'IOS_APP_STOR' },
      /Input 'profile-types': 'IOS_APP_STOR' is not one of Apple's profile types \(did you mean IOS_APP_STORE/
    ],
    ['a bad certificate ID', { ...base, 'certificate-ids': 'AB-12' }, /Input 'certificate-ids'/],
    [
      'a negative renew-within-days',
      { ...base, 'renew-within-days': '-1' },
      /Input 'renew-within-days': must be from 0 to 365/
    ],
    [
      'a non-numeric renew-within-days',
      { ...base, 'renew-within-days': 'soon' },
      /Input 'renew-within-days': must be a whole number/
    ],
    [
      'a bad install',
      { ...base, install: 'maybe' },
      /Input 'install': must be one of auto, true, false/
    ],
    [
      'a bad create-missing',
      { ...base, 'create-missing': 'perhaps' },
      /Input 'create-missing': must be true or false/
    ],
    ['a bad dry-run', { ...base, 'dry-run': '2' }, /Input 'dry-run'/],
    [
      'a bad cache',
      { ...base, cache: 'always' },
      /Input 'cache': must be one of false, save, restore/
    ]
  ]
  it.each(bad)('refuses %s', (_, values, message) => {
    expect(failure(values).message).toMatch(message)
  })

  it('reads exactly the inputs action.yml declares, both ways', () => {
    const action = parse(
      readFileSync(join(ROOT, 'actions', 'sync-profiles', 'action.yml'), 'utf8')
    ) as {
      inputs: Record<string, { description?: string }>
      outputs: Record<string, { description?: string }>
      runs: { using: string; main: string }
    }
    const { inputs } = read(base)
    expect([...inputs.names].sort()).toEqual(Object.keys(action.inputs).sort())
    expect(action.runs).toEqual({ using: 'node24', main: '../../dist/sync-profiles/index.js' })
    expect(Object.keys(action.outputs).sort()).toEqual([
      'bundle-id',
      'created-count',
      'expiration-date',
      'name',
      'path',
      'profile-type',
      'profiles',
      'renewed-count',
      'uuid'
    ])
    for (const [name, input] of Object.entries({ ...action.inputs, ...action.outputs }))
      expect([name, input.description]).toEqual([name, expect.any(String)])
  })
})
