import { readFileSync } from 'node:fs'
import { ConfigurationError } from '#shared/errors.js'
import { nearest, supportedLocale } from '#shared/locales.js'
import { Inputs, DURATION_MAX } from '#shared/inputs.js'
import { readConnectionSettings, type ConnectionSettings } from '#shared/asc/connection.js'
import { readPlatform, type ApplePlatform } from '#shared/platforms.js'
import { notesFromEvent, workflowEvent, type EventContext } from './commit-notes.js'

export type Platform = ApplePlatform

export interface DistributeSettings {
  connection: ConnectionSettings
  /** `app-id`: the app's App Store Connect ID. */
  appId?: string
  /** `bundle-id`: the app's exact bundle ID (used when app-id is empty; may come from the archive). */
  bundleId?: string
  /** `ipa-path`: an .ipa (or .pkg) to upload first. */
  ipaPath?: string
  /** `platform`: set explicitly by the user, or undefined (then the archive's, else IOS). */
  platform?: Platform
  /** `version`: CFBundleShortVersionString to match (optional without an archive). */
  version?: string
  /** `build-number`: CFBundleVersion; required without `ipa-path`. */
  buildNumber?: string
  /** `wait-for-processing`: wait until the build is VALID before configuring it. */
  waitForProcessing: boolean
  /** `processing-timeout` in ms: the bound on waiting for the build (to appear and to process). */
  processingTimeoutMs: number
  /** `poll-interval` in ms. */
  pollIntervalMs: number
  /** `uses-non-exempt-encryption`: the export compliance answer; undefined leaves it. */
  usesNonExemptEncryption?: boolean
  /** What to Test notes by locale, from `what-to-test` (+ `what-to-test-locale`) and `what-to-test-file`. */
  whatToTest: Record<string, string>
  /** `groups`: beta group names or IDs. */
  groups: string[]
  /** `testers`: tester e-mail addresses. */
  testers: string[]
  /** `submit-for-review`: submit for external beta review. */
  submitForReview: boolean
  /** `notify-testers`: send Apple's "new build" notification. */
  notifyTesters: boolean
  /** `public-link-group`: external group whose public link is enabled and given this build. */
  publicLinkGroup?: string
  /** `public-link-limit`: the most testers who may join through the link (1 to 10,000). */
  publicLinkLimit?: number
}

const LOCALE = /^[a-zA-Z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/

/** Spellings people write for a supported locale (suggested first, never taken silently). */
const LOCALE_ALIASES: Record<string, string> = {
  'en-uk': 'en-GB',
  'zh-cn': 'zh-Hans',
  'zh-sg': 'zh-Hans',
  'zh-tw': 'zh-Hant',
  'zh-hk': 'zh-Hant',
  nb: 'no',
  'nb-no': 'no',
  iw: 'he',
  'he-il': 'he'
}

/**
 * The locale as App Store Connect spells it (`en-us` -> `en-US`); one it does not support (`zz-ZZ`,
 * `en-UK`) is an error naming the input and the nearest supported ones, before any request.
 */
function checkLocale(locale: string, input: string, where?: string): string {
  const known = supportedLocale(locale)
  if (known) return known
  const alias = LOCALE_ALIASES[locale.trim().replace(/_/g, '-').toLowerCase()]
  const near = [...new Set([...(alias ? [alias] : []), ...nearest(locale, 3)])].slice(0, 3)
  const what = where
    ? `${where} has '${locale}', which App Store Connect does not support for What to Test`
    : `'${locale}' is not a locale App Store Connect supports for What to Test`
  throw new ConfigurationError(
    `${what}; the nearest are ${near.join(', ')}. Nothing was changed.`,
    input
  )
}

function readWhatToTestFile(path: string): Record<string, string> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new ConfigurationError(
      `'${path}' cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give the path of a JSON file such as {"en-US": "Test the new login"}.`,
      'what-to-test-file'
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (e) {
    throw new ConfigurationError(
      `'${path}' is not valid JSON (${(e as Error).message}); write an object such as {"en-US": "Test the new login", "de-DE": "…"}.`,
      'what-to-test-file'
    )
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigurationError(
      `'${path}' must hold a JSON object of locale to notes, such as {"en-US": "Test the new login"}.`,
      'what-to-test-file'
    )
  const out: Record<string, string> = {}
  for (const [locale, notes] of Object.entries(parsed)) {
    if (!LOCALE.test(locale))
      throw new ConfigurationError(
        `'${path}' has '${locale}', which is not a locale such as en-US.`,
        'what-to-test-file'
      )
    if (typeof notes !== 'string')
      throw new ConfigurationError(
        `'${path}' gives ${locale} a ${Array.isArray(notes) ? 'list' : typeof notes}; the notes must be a string.`,
        'what-to-test-file'
      )
    const known = checkLocale(locale, 'what-to-test-file', `'${path}'`)
    if (out[known] !== undefined)
      throw new ConfigurationError(
        `'${path}' gives notes for ${known} twice (as ${Object.keys(parsed)
          .filter((k) => supportedLocale(k) === known)
          .join(' and ')}); keep one.`,
        'what-to-test-file'
      )
    out[known] = notes
  }
  return out
}

export function readSettings(
  inputs = new Inputs(),
  event: () => EventContext = workflowEvent
): DistributeSettings {
  const connection = readConnectionSettings(inputs)
  const appId = inputs.optional('app-id')
  const bundleId = inputs.optional('bundle-id')
  const ipaPath = inputs.optional('ipa-path')
  const platform = readPlatform(inputs)
  const version = inputs.optional('version')
  const buildNumber = inputs.optional('build-number')
  const waitForProcessing = inputs.boolean('wait-for-processing', true)
  const processingTimeoutMs = inputs.duration('processing-timeout', '30m', {
    max: DURATION_MAX.timeout
  })!
  const pollIntervalMs = inputs.duration('poll-interval', '30s', { max: DURATION_MAX.poll })!
  const usesNonExemptEncryption = inputs.tristate('uses-non-exempt-encryption')
  const whatToTestText = inputs.optional('what-to-test')
  const localeInput = inputs.optional('what-to-test-locale') ?? 'en-US'
  const whatToTestFile = inputs.optional('what-to-test-file')
  const whatToTestFromCommit = inputs.boolean('what-to-test-from-commit', false)
  const groups = inputs.list('groups')
  const testers = inputs.list('testers')
  const submitForReview = inputs.boolean('submit-for-review', false)
  const notifyTesters = inputs.boolean('notify-testers', false)
  const publicLinkGroup = inputs.optional('public-link-group')
  const publicLinkLimit = inputs.integer('public-link-limit', { min: 1, max: 10_000 })

  if (!ipaPath && !buildNumber)
    throw new ConfigurationError(
      'is required when ipa-path is not given: set it to the CFBundleVersion of the build to distribute, or give ipa-path to upload one.',
      'build-number'
    )
  if (!ipaPath && !appId && !bundleId)
    throw new ConfigurationError(
      'or bundle-id is required to find the app (or give ipa-path, whose bundle ID is used).',
      'app-id'
    )
  if (ipaPath && !/\.(ipa|pkg)$/i.test(ipaPath))
    throw new ConfigurationError(
      `'${ipaPath}' must be an .ipa (iOS, tvOS, visionOS) or a .pkg (macOS).`,
      'ipa-path'
    )
  if (processingTimeoutMs <= 0)
    throw new ConfigurationError('must be longer than zero, e.g. 30m.', 'processing-timeout')
  if (pollIntervalMs < 100)
    throw new ConfigurationError('must be at least 100ms, e.g. 30s.', 'poll-interval')
  if (!LOCALE.test(localeInput))
    throw new ConfigurationError(
      `'${localeInput}' is not a locale such as en-US.`,
      'what-to-test-locale'
    )
  const whatToTestLocale = checkLocale(localeInput, 'what-to-test-locale')
  const whatToTest = whatToTestFile ? readWhatToTestFile(whatToTestFile) : {}
  if (whatToTestText !== undefined) {
    if (whatToTest[whatToTestLocale] !== undefined)
      throw new ConfigurationError(
        `notes for ${whatToTestLocale} come from both what-to-test and what-to-test-file; keep one.`,
        'what-to-test'
      )
    whatToTest[whatToTestLocale] = whatToTestText
  }
  if (whatToTestFromCommit && whatToTest[whatToTestLocale] === undefined) {
    const notes = notesFromEvent(event())
    if (!notes)
      throw new ConfigurationError(
        'is true, but this workflow run has no commit message, pull request or release to take the notes from; give what-to-test instead.',
        'what-to-test-from-commit'
      )
    whatToTest[whatToTestLocale] = notes
  }
  for (const t of testers)
    if (!EMAIL.test(t)) throw new ConfigurationError(`'${t}' is not an e-mail address.`, 'testers')
  if (publicLinkLimit !== undefined && !publicLinkGroup)
    throw new ConfigurationError(
      'needs public-link-group: the limit applies to that group’s public link.',
      'public-link-limit'
    )

  return {
    connection,
    appId,
    bundleId,
    ipaPath,
    platform,
    version,
    buildNumber,
    waitForProcessing,
    processingTimeoutMs,
    pollIntervalMs,
    usesNonExemptEncryption,
    whatToTest,
    groups,
    testers,
    submitForReview,
    notifyTesters,
    publicLinkGroup,
    publicLinkLimit
  }
}
