import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { ConfigurationError } from '#shared/errors.js'
import { DURATION_MAX, Inputs, mask } from '#shared/inputs.js'
import { readConnectionSettings, type ConnectionSettings } from '#shared/asc/connection.js'
import { PLATFORMS, readPlatform, type ApplePlatform } from '#shared/platforms.js'
import { nearest, supportedLocale } from '#shared/locales.js'
import {
  LOCALIZATION_FIELDS,
  REVIEW_DETAIL_FIELDS,
  type Attributes,
  type LocalizationField
} from '#shared/asc/app-store-versions.js'

export type LocalizedText = Partial<Record<LocalizationField, string>>
/** The key of `localized` that stands for the app's primary locale (known once the app is read). */
export const PRIMARY_LOCALE = ''

export const RELEASE_TYPES = {
  manual: 'MANUAL',
  'after-approval': 'AFTER_APPROVAL',
  scheduled: 'SCHEDULED'
} as const

/** What submit-to-app-store does, read from its inputs (actions/submit-to-app-store/action.yml). */
export interface SubmitSettings {
  connection: ConnectionSettings
  /** `app-id` / `bundle-id`: the app; one is set, both may be. */
  appId?: string
  bundleId?: string
  /** `platform`, Apple's name; default IOS. */
  platform: ApplePlatform
  /** `version`: the marketing version (`versionString`). */
  version: string
  /** `build-number`: the build to attach; undefined keeps the attached one. */
  buildNumber?: string
  /** `uses-non-exempt-encryption`: answered on the build when it is unanswered. */
  usesNonExemptEncryption?: boolean
  /** Text per locale (Apple's spelling), from metadata-file, whats-new-file and whats-new. */
  localized: Record<string, LocalizedText>
  /** `release-type`, Apple's name; undefined leaves it. */
  releaseType?: (typeof RELEASE_TYPES)[keyof typeof RELEASE_TYPES]
  /** `earliest-release-date`, as an ISO 8601 date-time in UTC. */
  earliestReleaseDate?: string
  /** `phased-release`: undefined leaves it. */
  phasedRelease?: boolean
  /** `review-notes` and `review-details-file`, as Apple's appStoreReviewDetails attributes. */
  reviewDetails: Attributes
  /** `submit`: default true. */
  submit: boolean
  /** `replace-in-review`: cancel another version's submission first. */
  replaceInReview: boolean
  /** `wait-for`: none or review. */
  waitFor: 'none' | 'review'
  reviewTimeoutMs: number
  pollIntervalMs: number
  dryRun: boolean
}

const LIMITS: Partial<Record<LocalizationField, number>> = {
  whatsNew: 4000,
  description: 4000,
  keywords: 100,
  promotionalText: 170
}
const LABEL: Record<LocalizationField, string> = {
  whatsNew: "What's New",
  description: 'The description',
  keywords: 'Keywords',
  promotionalText: 'Promotional text',
  marketingUrl: 'The marketing URL',
  supportUrl: 'The support URL'
}
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/

/** A JSON file named by an input, parsed; undefined when the input is unset. */
function jsonFile(inputs: Inputs, name: string): unknown {
  const path = inputs.optional(name)
  if (path === undefined) return undefined
  let text: string
  try {
    text = readFileSync(resolve(process.env.GITHUB_WORKSPACE ?? '.', path), 'utf8')
  } catch {
    throw new ConfigurationError(`no readable file at '${path}'.`, name)
  }
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new ConfigurationError(`'${path}' is not valid JSON (${(e as Error).message}).`, name)
  }
}

function object(value: unknown, name: string, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigurationError(`must hold a JSON object ${what}.`, name)
  return value as Record<string, unknown>
}

export function checkLocale(locale: string, name: string): string {
  const found = supportedLocale(locale)
  if (!found)
    throw new ConfigurationError(
      `'${locale}' is not a locale App Store Connect supports; nearest: ${nearest(locale).join(', ')}.`,
      name
    )
  return found
}

function checkText(field: LocalizationField, value: unknown, where: string, name: string): string {
  if (typeof value !== 'string')
    throw new ConfigurationError(`${where}: ${field} must be text.`, name)
  const max = LIMITS[field]
  const length = Array.from(value).length
  if (max !== undefined && length > max)
    throw new ConfigurationError(
      `${where}: ${LABEL[field]} has ${length} characters; App Store Connect allows at most ${max}.`,
      name
    )
  if (field.endsWith('Url')) {
    let url: URL | undefined
    try {
      url = new URL(value)
    } catch {
      url = undefined
    }
    if (!url || !/^https?:$/.test(url.protocol))
      throw new ConfigurationError(
        `${where}: ${LABEL[field]} '${value}' is not an http(s) URL.`,
        name
      )
  }
  return value
}

function merge(into: Record<string, LocalizedText>, locale: string, text: LocalizedText): void {
  into[locale] = { ...into[locale], ...text }
}

function readLocalized(inputs: Inputs): Record<string, LocalizedText> {
  const localized: Record<string, LocalizedText> = {}
  const metadata = jsonFile(inputs, 'metadata-file')
  if (metadata !== undefined)
    for (const [key, fields] of Object.entries(object(metadata, 'metadata-file', 'of locales'))) {
      const locale = checkLocale(key, 'metadata-file')
      const text: LocalizedText = {}
      for (const [field, value] of Object.entries(object(fields, 'metadata-file', `for ${key}`))) {
        if (!(LOCALIZATION_FIELDS as readonly string[]).includes(field))
          throw new ConfigurationError(
            `${key}: '${field}' is not one of ${LOCALIZATION_FIELDS.join(', ')}.`,
            'metadata-file'
          )
        text[field as LocalizationField] = checkText(
          field as LocalizationField,
          value,
          key,
          'metadata-file'
        )
      }
      merge(localized, locale, text)
    }
  const whatsNewFile = jsonFile(inputs, 'whats-new-file')
  if (whatsNewFile !== undefined)
    for (const [key, value] of Object.entries(object(whatsNewFile, 'whats-new-file', 'of locales')))
      merge(localized, checkLocale(key, 'whats-new-file'), {
        whatsNew: checkText('whatsNew', value, key, 'whats-new-file')
      })
  const whatsNew = inputs.optional('whats-new')
  const locale = inputs.optional('whats-new-locale')
  const key = locale === undefined ? PRIMARY_LOCALE : checkLocale(locale, 'whats-new-locale')
  if (whatsNew !== undefined)
    merge(localized, key, { whatsNew: checkText('whatsNew', whatsNew, 'whats-new', 'whats-new') })
  return localized
}

function readReviewDetails(inputs: Inputs): Attributes {
  const details: Attributes = {}
  const file = jsonFile(inputs, 'review-details-file')
  if (file !== undefined)
    for (const [field, value] of Object.entries(
      object(file, 'review-details-file', 'of attributes')
    )) {
      if (!(REVIEW_DETAIL_FIELDS as readonly string[]).includes(field))
        throw new ConfigurationError(
          `'${field}' is not one of Apple's appStoreReviewDetails attributes (${REVIEW_DETAIL_FIELDS.join(', ')}).`,
          'review-details-file'
        )
      const boolean = field === 'demoAccountRequired'
      if (boolean ? typeof value !== 'boolean' : typeof value !== 'string')
        throw new ConfigurationError(
          `${field} must be ${boolean ? 'true or false' : 'text'}.`,
          'review-details-file'
        )
      if (field === 'demoAccountPassword') mask(value as string)
      details[field] = value
    }
  const notes = inputs.optional('review-notes')
  if (notes !== undefined) details.notes = notes
  if (typeof details.notes === 'string' && Array.from(details.notes).length > 4000)
    throw new ConfigurationError(
      'the notes for the reviewer may have at most 4000 characters.',
      'review-notes'
    )
  return details
}

function readReleaseDate(inputs: Inputs, now: number): string | undefined {
  const value = inputs.optional('earliest-release-date')
  if (value === undefined) return undefined
  const ms = Date.parse(value)
  if (!ISO_DATE_TIME.test(value) || Number.isNaN(ms))
    throw new ConfigurationError(
      `'${value}' is not an ISO 8601 date-time; use e.g. 2026-12-24T09:00:00Z.`,
      'earliest-release-date'
    )
  if (ms <= now)
    throw new ConfigurationError(
      `${value} is in the past; give a future date-time.`,
      'earliest-release-date'
    )
  return new Date(ms).toISOString().replace('.000Z', 'Z')
}

export function readSettings(inputs = new Inputs(), now = Date.now()): SubmitSettings {
  const connection = readConnectionSettings(inputs)
  const appId = inputs.optional('app-id')
  const bundleId = inputs.optional('bundle-id')
  const platform = readPlatform(inputs) ?? PLATFORMS.ios
  const version = inputs.required('version', 'the marketing version to submit, e.g. 1.4.0.')
  const buildNumber = inputs.optional('build-number')
  const usesNonExemptEncryption = inputs.tristate('uses-non-exempt-encryption')
  const localized = readLocalized(inputs)
  const type = inputs.enumeration(
    'release-type',
    Object.keys(RELEASE_TYPES) as Array<keyof typeof RELEASE_TYPES>
  )
  const earliestReleaseDate = readReleaseDate(inputs, now)
  const phasedRelease = inputs.tristate('phased-release')
  const reviewDetails = readReviewDetails(inputs)
  const submit = inputs.boolean('submit', true)
  const replaceInReview = inputs.boolean('replace-in-review', false)
  const waitFor = inputs.enumeration('wait-for', ['none', 'review'] as const, 'none')!
  const reviewTimeoutMs = inputs.duration('review-timeout', '24h', { max: DURATION_MAX.review })!
  const pollIntervalMs = inputs.duration('poll-interval', '1m', { max: DURATION_MAX.poll })!
  const dryRun = inputs.boolean('dry-run', false)

  if (!appId && !bundleId)
    throw new ConfigurationError(
      "is required: the app's App Store Connect ID (App Information > Apple ID), or set bundle-id.",
      'app-id'
    )
  if (!/^\d+(\.\d+){0,2}$/.test(version))
    throw new ConfigurationError(
      `'${version}' is not a marketing version: one to three numbers separated by dots, e.g. 1.4.0.`,
      'version'
    )
  const releaseType = type && RELEASE_TYPES[type]
  if (earliestReleaseDate && releaseType !== 'SCHEDULED')
    throw new ConfigurationError(
      'is only used with release-type: scheduled.',
      'earliest-release-date'
    )
  if (releaseType === 'SCHEDULED' && !earliestReleaseDate)
    throw new ConfigurationError(
      'is required with release-type: scheduled (an ISO 8601 date-time, e.g. 2026-12-24T09:00:00Z).',
      'earliest-release-date'
    )
  if (waitFor === 'review' && !submit)
    throw new ConfigurationError('wait-for: review needs submit: true.', 'wait-for')
  return {
    connection,
    appId,
    bundleId,
    platform,
    version,
    buildNumber,
    usesNonExemptEncryption,
    localized,
    releaseType,
    earliestReleaseDate,
    phasedRelease,
    reviewDetails,
    submit,
    replaceInReview,
    waitFor,
    reviewTimeoutMs,
    pollIntervalMs,
    dryRun
  }
}
