import { afterEach, describe, expect, it } from '@jest/globals'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { Inputs } from '../../../src/shared/inputs.js'
import { configurationError } from '../../support/configuration-error.js'
import { PRIMARY_LOCALE, readSettings } from '../../../src/submit-to-app-store/settings.js'

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString()
const base = {
  'key-id': 'ABC123DEF4',
  'issuer-id': '57246542-96fe-1a63-e053-0824d011072a',
  'private-key': pem,
  'bundle-id': 'com.example.app',
  version: '1.4.0'
}
const NOW = Date.parse('2026-12-01T12:00:00Z')
let dir: string | undefined
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
})
function file(content: unknown): string {
  dir ??= mkdtempSync(join(tmpdir(), 'submit-settings-'))
  const path = join(dir, `${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}
function read(values: Record<string, string>) {
  const inputs = new Inputs((name) => values[name], {})
  return { settings: readSettings(inputs, NOW), inputs }
}
const failure = (values: Record<string, string>) =>
  configurationError(() => read({ ...base, ...values }))

describe('submit-to-app-store settings', () => {
  it('has the defaults the contract promises', () => {
    expect(read(base).settings).toMatchObject({
      platform: 'IOS',
      version: '1.4.0',
      buildNumber: undefined,
      usesNonExemptEncryption: undefined,
      localized: {},
      releaseType: undefined,
      phasedRelease: undefined,
      reviewDetails: {},
      submit: true,
      replaceInReview: false,
      waitFor: 'none',
      reviewTimeoutMs: 24 * 3_600_000,
      pollIntervalMs: 60_000,
      dryRun: false
    })
  })

  it('merges metadata-file, whats-new-file and whats-new per locale, in Apple’s spelling', () => {
    const { settings } = read({
      ...base,
      'metadata-file': file({ 'de-de': { description: 'Beschreibung', whatsNew: 'alt' } }),
      'whats-new-file': file({ 'de-DE': 'Neu', fr_FR: 'Nouveau' }),
      'whats-new': 'New',
      'release-type': 'scheduled',
      'earliest-release-date': '2026-12-24T09:00:00+01:00',
      'review-notes': 'Hi',
      'review-details-file': file({
        demoAccountPassword: 'secret-password',
        demoAccountRequired: true
      })
    })
    expect(settings.localized).toEqual({
      'de-DE': { description: 'Beschreibung', whatsNew: 'Neu' },
      'fr-FR': { whatsNew: 'Nouveau' },
      [PRIMARY_LOCALE]: { whatsNew: 'New' }
    })
    expect(settings.releaseType).toBe('SCHEDULED')
    expect(settings.earliestReleaseDate).toBe('2026-12-24T08:00:00Z')
    expect(settings.reviewDetails).toEqual({
      demoAccountPassword: 'secret-password',
      demoAccountRequired: true,
      notes: 'Hi'
    })
  })

  it.each<[string, Record<string, string>, RegExp]>([
    ['version', { version: 'v1' }, /not a marketing version/],
    [
      'whats-new-locale',
      { 'whats-new': 'x', 'whats-new-locale': 'english' },
      /not a locale.*nearest/
    ],
    ['whats-new', { 'whats-new': 'é'.repeat(4001) }, /4001 characters.*at most 4000/],
    [
      'earliest-release-date',
      { 'release-type': 'scheduled', 'earliest-release-date': '2026-12-24' },
      /ISO 8601/
    ],
    [
      'earliest-release-date',
      { 'release-type': 'scheduled', 'earliest-release-date': '2020-01-01T00:00:00Z' },
      /in the past/
    ],
    [
      'earliest-release-date',
      { 'release-type': 'scheduled' },
      /is required with release-type: scheduled/
    ],
    [
      'earliest-release-date',
      { 'earliest-release-date': '2026-12-24T09:00:00Z' },
      /only used with release-type: scheduled/
    ],
    ['release-type', { 'release-type': 'later' }, /manual, after-approval, scheduled/],
    ['wait-for', { 'wait-for': 'review', submit: 'false' }, /needs submit: true/],
    ['review-timeout', { 'review-timeout': 'a day' }, /not a duration/]
  ])('refuses a bad %s', (input, values, message) => {
    const e = failure(values)
    expect(e.input).toBe(input)
    expect(e.message).toMatch(message)
  })

  it.each<[string, unknown, RegExp]>([
    ['metadata-file', { 'xx-YY': { description: 'x' } }, /'xx-YY' is not a locale/],
    ['metadata-file', { 'en-US': { title: 'x' } }, /'title' is not one of description/],
    [
      'metadata-file',
      { 'en-US': { promotionalText: 'p'.repeat(171) } },
      /Promotional text has 171 characters; .* at most 170/
    ],
    ['metadata-file', { 'en-US': { supportUrl: 'mailto:a@b.c' } }, /not an http\(s\) URL/],
    ['metadata-file', '{ not json', /not valid JSON/],
    ['whats-new-file', ['en-US'], /must hold a JSON object/],
    [
      'review-details-file',
      { password: 'x' },
      /'password' is not one of Apple's appStoreReviewDetails attributes/
    ],
    [
      'review-details-file',
      { demoAccountRequired: 'yes' },
      /demoAccountRequired must be true or false/
    ]
  ])('refuses a bad %s', (input, content, message) => {
    const e = failure({ [input]: file(content) })
    expect(e.input).toBe(input)
    expect(e.message).toMatch(message)
  })

  it('refuses a file that is not there, naming the input', () => {
    expect(failure({ 'metadata-file': '/nowhere/metadata.json' }).message).toMatch(
      /'metadata-file'.*no readable file at '\/nowhere\/metadata.json'/
    )
  })

  it('reads exactly the inputs action.yml declares', () => {
    const yml = parse(
      readFileSync(
        join(import.meta.dirname, '..', '..', '..', 'actions', 'submit-to-app-store', 'action.yml'),
        'utf8'
      )
    ) as { inputs: Record<string, unknown>; outputs: Record<string, unknown>; runs: unknown }
    expect([...read(base).inputs.names].sort()).toEqual(Object.keys(yml.inputs).sort())
    expect(Object.keys(yml.outputs).sort()).toEqual(
      [
        'app-id',
        'app-store-state',
        'build-id',
        'review-state',
        'submission-id',
        'version',
        'version-id'
      ].sort()
    )
    expect(yml.runs).toEqual({ using: 'node24', main: '../../dist/submit-to-app-store/index.js' })
  })
})
