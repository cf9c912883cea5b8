// The shapes submit-to-app-store and release-to-app-store read from App Store Connect, and the
// mappers from Apple's JSON:API resources to them (see app-store-versions.ts for the port).
import { relatedId, relatedIds, type Resource } from './types.js'

export type Attributes = Record<string, unknown>

export interface StoreBuild {
  id: string
  /** CFBundleVersion. */
  buildNumber: string
  /** Marketing version of its pre-release version (when read with it). */
  version?: string
  platform?: string
  processingState?: string
  expired: boolean
  usesNonExemptEncryption?: boolean | null
}

export interface StoreLocalization {
  id: string
  locale: string
  attributes: Attributes
}

export interface StoreVersion {
  id: string
  versionString: string
  platform: string
  /** Apple's `appVersionState`. */
  state: string
  releaseType?: string
  earliestReleaseDate?: string
  build?: StoreBuild
  localizations: StoreLocalization[]
  reviewDetail?: { id: string; attributes: Attributes }
  phasedRelease?: { id: string; state: string }
}

export interface VersionListing {
  versions: StoreVersion[]
  primaryLocale?: string
}

export interface StoreSubmission {
  id: string
  state: string
  platform?: string
  versionId?: string
}

export const LOCALIZATION_FIELDS = [
  'description',
  'keywords',
  'marketingUrl',
  'promotionalText',
  'supportUrl',
  'whatsNew'
] as const
export type LocalizationField = (typeof LOCALIZATION_FIELDS)[number]

export const REVIEW_DETAIL_FIELDS = [
  'contactFirstName',
  'contactLastName',
  'contactPhone',
  'contactEmail',
  'demoAccountName',
  'demoAccountPassword',
  'demoAccountRequired',
  'notes'
] as const

/** Submissions that are not finished: one of these may hold a version. */
export const OPEN_SUBMISSION_STATES = [
  'READY_FOR_REVIEW',
  'WAITING_FOR_REVIEW',
  'IN_REVIEW',
  'UNRESOLVED_ISSUES',
  'CANCELING'
]

const VERSION_INCLUDES = [
  'app',
  'build',
  'appStoreVersionLocalizations',
  'appStoreReviewDetail',
  'appStoreVersionPhasedRelease'
]
export const VERSION_FIELDS = {
  'fields[appStoreVersions]': [
    'platform',
    'versionString',
    'appVersionState',
    'releaseType',
    'earliestReleaseDate',
    ...VERSION_INCLUDES
  ],
  'fields[apps]': ['primaryLocale'],
  'fields[builds]': ['version', 'processingState', 'expired', 'usesNonExemptEncryption'],
  'fields[appStoreVersionLocalizations]': ['locale', ...LOCALIZATION_FIELDS],
  'fields[appStoreReviewDetails]': [...REVIEW_DETAIL_FIELDS],
  'fields[appStoreVersionPhasedReleases]': ['phasedReleaseState'],
  include: VERSION_INCLUDES,
  'limit[appStoreVersionLocalizations]': 50
}

export function toBuild(r: Resource): StoreBuild {
  const a = (r.attributes ?? {}) as Attributes
  return {
    id: r.id,
    buildNumber: String(a.version ?? ''),
    processingState: a.processingState as string | undefined,
    expired: a.expired === true,
    usesNonExemptEncryption: a.usesNonExemptEncryption as boolean | null | undefined
  }
}

export function toLocalization(r: Resource): StoreLocalization {
  const { locale, ...attributes } = (r.attributes ?? {}) as Attributes
  return { id: r.id, locale: String(locale ?? ''), attributes }
}

export function toVersion(r: Resource, included: Map<string, Resource>): StoreVersion {
  const a = (r.attributes ?? {}) as Attributes
  const get = (type: string, id: string | undefined) =>
    id === undefined ? undefined : included.get(`${type}/${id}`)
  const build = get('builds', relatedId(r, 'build'))
  const detail = get('appStoreReviewDetails', relatedId(r, 'appStoreReviewDetail'))
  const phased = get('appStoreVersionPhasedReleases', relatedId(r, 'appStoreVersionPhasedRelease'))
  return {
    id: r.id,
    versionString: String(a.versionString ?? ''),
    platform: String(a.platform ?? ''),
    state: String(a.appVersionState ?? a.appStoreState ?? ''),
    releaseType: a.releaseType as string | undefined,
    earliestReleaseDate: (a.earliestReleaseDate as string | null | undefined) ?? undefined,
    build: build && toBuild(build),
    localizations: relatedIds(r, 'appStoreVersionLocalizations')
      .map((id) => get('appStoreVersionLocalizations', id))
      .filter((l): l is Resource => Boolean(l))
      .map(toLocalization),
    reviewDetail: detail && { id: detail.id, attributes: (detail.attributes ?? {}) as Attributes },
    phasedRelease: phased && {
      id: phased.id,
      state: String((phased.attributes as Attributes | undefined)?.phasedReleaseState ?? '')
    }
  }
}

export function toSubmission(r: Resource): StoreSubmission {
  const a = (r.attributes ?? {}) as Attributes
  return {
    id: r.id,
    state: String(a.state ?? ''),
    platform: a.platform as string | undefined,
    versionId: relatedId(r, 'appStoreVersionForReview')
  }
}
