import { describe, expect, it, beforeAll } from '@jest/globals'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { Inputs } from '../../../src/shared/inputs.js'
import { readSettings } from '../../../src/distribute-to-testflight/settings.js'
import { resolveTarget } from '../../../src/distribute-to-testflight/target.js'
import type { ArchiveInfo } from '../../../src/distribute-to-testflight/archive.js'

let pem: string
let dir: string
beforeAll(() => {
  pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString()
  dir = mkdtempSync(join(tmpdir(), 'tf-settings-'))
})

function inputs(values: Record<string, string>): Inputs {
  const all: Record<string, string> = {
    'key-id': 'ABC1234567',
    'issuer-id': '57246542-96fe-1a63-e053-0824d011072a',
    'private-key': pem,
    ...values
  }
  return new Inputs((name) => all[name], {})
}
const read = (values: Record<string, string>) => readSettings(inputs(values))

describe('readSettings', () => {
  it('applies the defaults', () => {
    const s = read({ 'app-id': '123', 'build-number': '42' })
    expect(s).toMatchObject({
      appId: '123',
      buildNumber: '42',
      waitForProcessing: true,
      processingTimeoutMs: 30 * 60_000,
      pollIntervalMs: 30_000,
      usesNonExemptEncryption: undefined,
      whatToTest: {},
      groups: [],
      testers: [],
      submitForReview: false,
      notifyTesters: false,
      platform: undefined
    })
  })

  it('reads lists, durations, platform and tristates', () => {
    const s = read({
      'bundle-id': 'com.example.app',
      'build-number': '42',
      platform: 'tvOS',
      'processing-timeout': '2h',
      'poll-interval': '500ms',
      'uses-non-exempt-encryption': 'false',
      groups: 'Beta, QA\nExternal',
      testers: 'a@example.com,b@example.com',
      'what-to-test': 'Try the login',
      'public-link-group': 'Public',
      'public-link-limit': '250'
    })
    expect(s).toMatchObject({
      platform: 'TV_OS',
      processingTimeoutMs: 7_200_000,
      pollIntervalMs: 500,
      usesNonExemptEncryption: false,
      groups: ['Beta', 'QA', 'External'],
      testers: ['a@example.com', 'b@example.com'],
      whatToTest: { 'en-US': 'Try the login' },
      publicLinkGroup: 'Public',
      publicLinkLimit: 250
    })
  })

  it('merges what-to-test-file with what-to-test for another locale', () => {
    const file = join(dir, 'notes.json')
    writeFileSync(file, JSON.stringify({ 'de-DE': 'Anmelden testen', 'fr-FR': 'Tester' }))
    const s = read({
      'app-id': '1',
      'build-number': '1',
      'what-to-test-file': file,
      'what-to-test': 'Login',
      'what-to-test-locale': 'en-GB'
    })
    expect(s.whatToTest).toEqual({
      'de-DE': 'Anmelden testen',
      'fr-FR': 'Tester',
      'en-GB': 'Login'
    })
  })

  const badFile = (name: string, text: string) => {
    const p = join(dir, name)
    writeFileSync(p, text)
    return p
  }

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'build-number',
      { 'app-id': '1' },
      /Input 'build-number': is required when ipa-path is not given/
    ],
    ['app-id', { 'build-number': '1' }, /Input 'app-id': or bundle-id is required/],
    ['ipa-path', { 'ipa-path': 'app.zip' }, /Input 'ipa-path': 'app.zip' must be an .ipa/],
    [
      'processing-timeout',
      { 'app-id': '1', 'build-number': '1', 'processing-timeout': 'soon' },
      /Input 'processing-timeout': 'soon' is not a duration/
    ],
    [
      'poll-interval',
      { 'app-id': '1', 'build-number': '1', 'poll-interval': '10ms' },
      /Input 'poll-interval': must be at least 100ms/
    ],
    [
      'poll-interval',
      { 'app-id': '1', 'build-number': '1', 'poll-interval': '30d' },
      /Input 'poll-interval': .*(at most|longer than)/
    ],
    [
      'processing-timeout',
      { 'app-id': '1', 'build-number': '1', 'processing-timeout': '25d' },
      /Input 'processing-timeout': .*(at most|longer than)/
    ],
    [
      'platform',
      { 'app-id': '1', 'build-number': '1', platform: 'android' },
      /Input 'platform': must be one of ios, macos, tvos, visionos; got 'android'/
    ],
    [
      'uses-non-exempt-encryption',
      { 'app-id': '1', 'build-number': '1', 'uses-non-exempt-encryption': 'maybe' },
      /Input 'uses-non-exempt-encryption': must be true or false/
    ],
    [
      'testers',
      { 'app-id': '1', 'build-number': '1', testers: 'alice' },
      /Input 'testers': 'alice' is not an e-mail address/
    ],
    [
      'public-link-limit',
      { 'app-id': '1', 'build-number': '1', 'public-link-group': 'P', 'public-link-limit': '0' },
      /Input 'public-link-limit': must be from 1 to 10000/
    ],
    [
      'public-link-limit',
      { 'app-id': '1', 'build-number': '1', 'public-link-limit': '10' },
      /Input 'public-link-limit': needs public-link-group/
    ],
    [
      'what-to-test-locale',
      { 'app-id': '1', 'build-number': '1', 'what-to-test-locale': 'english please' },
      /Input 'what-to-test-locale'/
    ],
    [
      'what-to-test-file',
      { 'app-id': '1', 'build-number': '1', 'what-to-test-file': '/nonexistent/notes.json' },
      /Input 'what-to-test-file': '\/nonexistent\/notes.json' cannot be read \(ENOENT\)/
    ]
  ])('rejects a bad %s, naming it', (_name, values, message) => {
    expect(() => read(values)).toThrow(message)
  })

  it('rejects malformed what-to-test files, saying what to write', () => {
    const base = { 'app-id': '1', 'build-number': '1' }
    expect(() => read({ ...base, 'what-to-test-file': badFile('a.json', '{"en-US": ') })).toThrow(
      /Input 'what-to-test-file': .* is not valid JSON/
    )
    expect(() => read({ ...base, 'what-to-test-file': badFile('b.json', '["x"]') })).toThrow(
      /must hold a JSON object of locale to notes/
    )
    expect(() => read({ ...base, 'what-to-test-file': badFile('c.json', '{"en-US": 5}') })).toThrow(
      /gives en-US a number; the notes must be a string/
    )
    expect(() =>
      read({ ...base, 'what-to-test-file': badFile('d.json', '{"not a locale": "x"}') })
    ).toThrow(/'not a locale', which is not a locale/)
    expect(() =>
      read({
        ...base,
        'what-to-test-file': badFile('e.json', '{"en-US": "x"}'),
        'what-to-test': 'y'
      })
    ).toThrow(/Input 'what-to-test': notes for en-US come from both/)
  })

  it('reads exactly the inputs action.yml declares', () => {
    const yml = parse(
      readFileSync(
        join(import.meta.dirname, '../../../actions/distribute-to-testflight/action.yml'),
        'utf8'
      )
    ) as {
      inputs: Record<string, unknown>
      runs: { using: string; main: string }
    }
    const i = inputs({ 'app-id': '1', 'build-number': '1' })
    readSettings(i)
    expect([...i.names].sort()).toEqual(Object.keys(yml.inputs).sort())
    expect(yml.runs).toEqual({
      using: 'node24',
      main: '../../dist/distribute-to-testflight/index.js'
    })
  })
})

describe('resolveTarget', () => {
  const archive: ArchiveInfo = {
    path: '/tmp/a.ipa',
    fileName: 'a.ipa',
    size: 10,
    kind: 'ipa',
    bundleId: 'com.example.app',
    version: '1.2.0',
    buildNumber: '42',
    platform: 'IOS',
    source: 'Payload/Example.app/Info.plist'
  }
  const settings = (values: Record<string, string>) => read({ 'ipa-path': '/tmp/a.ipa', ...values })

  it('takes version, build number, bundle ID and platform from the archive', () => {
    expect(resolveTarget(settings({}), archive)).toEqual({
      appId: undefined,
      bundleId: 'com.example.app',
      version: '1.2.0',
      buildNumber: '42',
      platform: 'IOS'
    })
  })

  it('refuses inputs that contradict the archive, naming the input', () => {
    expect(() => resolveTarget(settings({ 'build-number': '43' }), archive)).toThrow(
      /Input 'build-number': is '43' but a.ipa has build number '42'/
    )
    expect(() => resolveTarget(settings({ version: '2.0' }), archive)).toThrow(/Input 'version'/)
    expect(() => resolveTarget(settings({ 'bundle-id': 'com.other' }), archive)).toThrow(
      /Input 'bundle-id'/
    )
    expect(() => resolveTarget(settings({ platform: 'macos' }), archive)).toThrow(
      /Input 'platform': is 'macos' but a.ipa was built for ios/
    )
  })

  it('needs version, build number and bundle ID for a .pkg it could not read', () => {
    const pkg: ArchiveInfo = {
      path: '/tmp/a.pkg',
      fileName: 'a.pkg',
      size: 1,
      kind: 'pkg',
      platform: 'MAC_OS',
      source: 'inputs'
    }
    const s = read({ 'ipa-path': '/tmp/a.pkg' })
    expect(() => resolveTarget(s, pkg)).toThrow(
      /Input 'ipa-path': could not read the version from a.pkg: set version, build-number and bundle-id/
    )
    const ok = read({
      'ipa-path': '/tmp/a.pkg',
      version: '1.0',
      'build-number': '5',
      'bundle-id': 'com.mac'
    })
    expect(resolveTarget(ok, pkg)).toMatchObject({
      version: '1.0',
      buildNumber: '5',
      bundleId: 'com.mac',
      platform: 'MAC_OS'
    })
  })

  describe('readSettings: What to Test locales', () => {
    const base = { 'app-id': '1', 'build-number': '1' }
    const file = (name: string, text: string) => {
      const path = join(dir, name)
      writeFileSync(path, text)
      return path
    }

    it('refuses a locale App Store Connect does not support, naming the input and the nearest', () => {
      expect(() =>
        read({ ...base, 'what-to-test-file': file('uk.json', '{"en-US": "a", "en-UK": "b"}') })
      ).toThrow(
        /Input 'what-to-test-file': .*has 'en-UK', which App Store Connect does not support for What to Test; the nearest are en-GB, /
      )
      expect(() =>
        read({ ...base, 'what-to-test-file': file('zz.json', '{"zz-ZZ": "b"}') })
      ).toThrow(/Input 'what-to-test-file': .*'zz-ZZ', which App Store Connect does not support/)
      expect(() => read({ ...base, 'what-to-test': 'x', 'what-to-test-locale': 'de-AT' })).toThrow(
        /Input 'what-to-test-locale': 'de-AT' is not a locale App Store Connect supports for What to Test; the nearest are de-DE/
      )
    })

    it('spells locales as Apple does and accepts a UTF-8 byte-order mark', () => {
      const s = read({
        ...base,
        'what-to-test-file': file('bom.json', '\uFEFF{"de-de": "Neu", "en_US": "New"}')
      })
      expect(s.whatToTest).toEqual({ 'de-DE': 'Neu', 'en-US': 'New' })
      expect(
        read({ ...base, 'what-to-test': 'x', 'what-to-test-locale': 'fr-ca' }).whatToTest
      ).toEqual({ 'fr-CA': 'x' })
    })

    it('refuses one locale given twice in different spellings', () => {
      expect(() =>
        read({ ...base, 'what-to-test-file': file('twice.json', '{"en-US": "a", "en-us": "b"}') })
      ).toThrow(/gives notes for en-US twice/)
    })
  })
})
