/**
 * What submit-to-app-store changes: a pure decision over one reading of the app's versions for the
 * platform (with their build, localizations, review details and phased release), the builds with
 * the wanted build number, and the app's unfinished review submissions.
 *
 * Apple allows one editable version per platform. The version named by `version` is reused when it
 * is editable; else the one editable version is renamed to it; else one is created. A named version
 * already waiting for or in review, or approved, needs nothing (a rerun). A live one is an error.
 * Another version in review is an error, unless replace-in-review, which cancels its submission
 * first (the version then becomes editable and is renamed).
 */
import { ConfigurationError } from '#shared/errors.js'
import type {
  Attributes,
  StoreBuild,
  StoreLocalization,
  StoreSubmission,
  StoreVersion,
  VersionListing
} from '#shared/asc/app-store-versions.js'
import { PRIMARY_LOCALE, type LocalizedText, type SubmitSettings } from './settings.js'

export const EDITABLE = [
  'PREPARE_FOR_SUBMISSION',
  'DEVELOPER_REJECTED',
  'REJECTED',
  'METADATA_REJECTED',
  'INVALID_BINARY'
]
export const IN_REVIEW = [
  'READY_FOR_REVIEW',
  'WAITING_FOR_REVIEW',
  'IN_REVIEW',
  'WAITING_FOR_EXPORT_COMPLIANCE'
]
export const APPROVED = [
  'PENDING_DEVELOPER_RELEASE',
  'PENDING_APPLE_RELEASE',
  'ACCEPTED',
  'PROCESSING_FOR_DISTRIBUTION'
]
export const LIVE = ['READY_FOR_DISTRIBUTION', 'REPLACED_WITH_NEW_VERSION']
export const REJECTED = ['REJECTED', 'METADATA_REJECTED', 'INVALID_BINARY']

export interface LocalizationChange {
  locale: string
  /** The localization to update; undefined creates one. */
  id?: string
  attributes: Attributes
}

export interface Plan {
  /** `change`: work to do; `in-review` / `approved`: the version is already past submission. */
  status: 'change' | 'in-review' | 'approved'
  action: 'reuse' | 'rename' | 'create'
  /** The existing version worked on (undefined when one is created). */
  version?: StoreVersion
  /** Attributes to set on the version (or to create it with). */
  versionChanges: Attributes
  /** The build to attach, when it is not attached yet. */
  attachBuild?: StoreBuild
  /** The build the version has (or will have). */
  build?: StoreBuild
  compliance?: { buildId: string; usesNonExemptEncryption: boolean }
  localizations: LocalizationChange[]
  reviewDetail?: { id?: string; attributes: Attributes }
  phased?: { create: true } | { delete: string }
  /** replace-in-review: the submission to cancel first, and its version. */
  cancel?: { submission?: StoreSubmission; version: StoreVersion }
  /** Submitting: the unsubmitted submission to reuse (or undefined to create one), and whether the version must be added. */
  submission?: { reuse?: StoreSubmission; addItem: boolean }
  /** A submission found for the version (rerun). */
  found?: StoreSubmission
  /** No other version of the platform: What's New is not taken. */
  first: boolean
  primaryLocale: string
  warnings: string[]
  notices: string[]
}

type Wanted = Pick<
  SubmitSettings,
  | 'version'
  | 'buildNumber'
  | 'usesNonExemptEncryption'
  | 'localized'
  | 'releaseType'
  | 'earliestReleaseDate'
  | 'phasedRelease'
  | 'reviewDetails'
  | 'submit'
  | 'replaceInReview'
>

/** The locales and fields to write: only what differs from what the version has. */
export function localizationChanges(
  wanted: Record<string, LocalizedText>,
  existing: readonly StoreLocalization[],
  primaryLocale: string,
  first: boolean
): { changes: LocalizationChange[]; skipped: string[] } {
  const merged: Record<string, LocalizedText> = {}
  for (const [key, text] of Object.entries(wanted)) {
    const locale = key === PRIMARY_LOCALE ? primaryLocale : key
    merged[locale] = { ...merged[locale], ...text }
  }
  const changes: LocalizationChange[] = []
  const skipped: string[] = []
  for (const [locale, text] of Object.entries(merged)) {
    const current = existing.find((l) => l.locale === locale)
    const attributes: Attributes = {}
    for (const [field, value] of Object.entries(text)) {
      if (field === 'whatsNew' && first) {
        skipped.push(locale)
        continue
      }
      if ((current?.attributes[field] ?? undefined) !== value) attributes[field] = value
    }
    if (Object.keys(attributes).length) changes.push({ locale, id: current?.id, attributes })
  }
  return { changes, skipped }
}

function chooseBuild(w: Wanted, builds: readonly StoreBuild[]): StoreBuild {
  const ofVersion = builds.filter((b) => b.version === w.version && !b.expired)
  const build = ofVersion.find((b) => b.processingState === 'VALID') ?? ofVersion[0]
  if (!build) {
    const other = builds.find((b) => b.version !== w.version)
    const expired = builds.find((b) => b.version === w.version && b.expired)
    throw new ConfigurationError(
      other
        ? `build ${w.buildNumber} is of version ${other.version}, not ${w.version}; give the build number of a ${w.version} build.`
        : expired
          ? `build ${w.buildNumber} of version ${w.version} is expired; upload a new build.`
          : `there is no build ${w.buildNumber} of version ${w.version} for this app and platform; upload it first (distribute-to-testflight).`,
      'build-number'
    )
  }
  if (build.processingState !== 'VALID')
    throw new ConfigurationError(
      `build ${w.buildNumber} is ${build.processingState ?? 'PROCESSING'}, not VALID; only a processed, valid build can be submitted (distribute-to-testflight waits for processing).`,
      'build-number'
    )
  return build
}

function complianceOf(w: Wanted, build: StoreBuild | undefined): Plan['compliance'] {
  if (
    !build ||
    (build.usesNonExemptEncryption !== null && build.usesNonExemptEncryption !== undefined)
  )
    return undefined
  if (w.usesNonExemptEncryption === undefined)
    throw new ConfigurationError(
      `build ${build.buildNumber} has no export compliance answer yet; set uses-non-exempt-encryption to true or false (or add ITSAppUsesNonExemptEncryption to Info.plist).`,
      'uses-non-exempt-encryption'
    )
  return { buildId: build.id, usesNonExemptEncryption: w.usesNonExemptEncryption }
}

function diff(current: Attributes, wanted: Attributes): Attributes {
  const out: Attributes = {}
  for (const [k, v] of Object.entries(wanted)) if (v !== undefined && current[k] !== v) out[k] = v
  return out
}

/** The plan. Throws a ConfigurationError for what no change can fix, before anything changes. */
export function decide(
  w: Wanted,
  listing: VersionListing,
  builds: readonly StoreBuild[] | undefined,
  submissions: readonly StoreSubmission[]
): Plan {
  const { versions } = listing
  const primaryLocale = listing.primaryLocale ?? 'en-US'
  const named = versions.find((v) => v.versionString === w.version)
  const base = { versionChanges: {}, localizations: [], warnings: [], notices: [], primaryLocale }
  if (named && LIVE.includes(named.state))
    throw new ConfigurationError(
      `${w.version} is already live (${named.state}); set version to the next marketing version.`,
      'version'
    )
  const foundFor = (v: StoreVersion) => submissions.find((s) => s.versionId === v.id)
  if (named && (IN_REVIEW.includes(named.state) || APPROVED.includes(named.state)))
    return {
      ...base,
      status: IN_REVIEW.includes(named.state) ? 'in-review' : 'approved',
      action: 'reuse',
      version: named,
      build: named.build,
      found: foundFor(named),
      first: versions.length === 1
    }

  const notices: string[] = []
  let target = named && EDITABLE.includes(named.state) ? named : undefined
  let cancel: Plan['cancel']
  if (!target) target = versions.find((v) => EDITABLE.includes(v.state))
  if (!target) {
    const busy = versions.find((v) => IN_REVIEW.includes(v.state))
    if (busy && !w.replaceInReview)
      throw new ConfigurationError(
        `version ${busy.versionString} of this platform is ${busy.state}; wait for its review, or set replace-in-review: true to cancel that submission and submit ${w.version} instead.`,
        'replace-in-review'
      )
    if (busy) {
      cancel = { submission: foundFor(busy), version: busy }
      notices.push(
        `The submission of ${busy.versionString} (${busy.state}) is canceled first, then that version becomes ${w.version}.`
      )
      target = { ...busy, state: 'DEVELOPER_REJECTED' }
    }
  }
  const action: Plan['action'] = !target
    ? 'create'
    : target.versionString === w.version
      ? 'reuse'
      : 'rename'
  if (action === 'rename')
    notices.push(
      `The editable version ${target!.versionString} (${target!.state}) is renamed to ${w.version} (Apple allows one editable version per platform).`
    )
  const first = versions.filter((v) => v.id !== target?.id).length === 0

  const build = w.buildNumber !== undefined ? chooseBuild(w, builds ?? []) : target?.build
  if (build && w.buildNumber === undefined && target?.build && action === 'rename')
    notices.push(
      `The attached build ${build.buildNumber} is kept; set build-number to attach a build of ${w.version}.`
    )
  if (!build && w.submit)
    throw new ConfigurationError(
      `version ${w.version} has no build attached; set build-number to a VALID build of ${w.version}.`,
      'build-number'
    )
  const attachBuild = build && target?.build?.id !== build.id ? build : undefined
  const compliance = complianceOf(w, build)

  const versionChanges = diff(
    {
      versionString: target?.versionString,
      releaseType: target?.releaseType,
      earliestReleaseDate: target?.earliestReleaseDate
    },
    {
      versionString: w.version,
      releaseType: w.releaseType,
      earliestReleaseDate: w.earliestReleaseDate
    }
  )
  const existing = target?.localizations ?? [{ id: '', locale: primaryLocale, attributes: {} }]
  const { changes, skipped } = localizationChanges(w.localized, existing, primaryLocale, first)
  const localizations = changes.map((c) => (c.id === '' ? { ...c, id: undefined } : c))
  const warnings = skipped.length
    ? [
        `${w.version} is the app's first version on this platform: App Store Connect takes no What's New for it, so What's New for ${skipped.join(', ')} was skipped.`
      ]
    : []
  // A new version gets its primary-locale localization from Apple: the executor updates that one
  // (it reads the new version's localizations and computes these changes again).

  const detailChanges = diff(target?.reviewDetail?.attributes ?? {}, w.reviewDetails)
  const reviewDetail = Object.keys(detailChanges).length
    ? { id: target?.reviewDetail?.id, attributes: detailChanges }
    : undefined
  const phased: Plan['phased'] =
    w.phasedRelease === true && !target?.phasedRelease
      ? { create: true }
      : w.phasedRelease === false && target?.phasedRelease
        ? { delete: target.phasedRelease.id }
        : undefined

  let submission: Plan['submission']
  if (w.submit) {
    const open = submissions.find((s) => s.state === 'READY_FOR_REVIEW')
    submission = { reuse: open, addItem: !open || !target || open.versionId !== target.id }
  }
  return {
    ...base,
    status: 'change',
    action,
    version: target,
    versionChanges,
    attachBuild,
    build,
    compliance,
    localizations,
    reviewDetail,
    phased,
    cancel,
    submission,
    first,
    warnings,
    notices
  }
}

/** How many changing requests the plan takes (for the log and the summary). */
export function changeCount(plan: Plan): number {
  if (plan.status !== 'change') return 0
  const version =
    plan.action === 'create' || Object.keys(plan.versionChanges).length || plan.attachBuild ? 1 : 0
  const submit = plan.submission
    ? (plan.submission.reuse ? 0 : 1) + (plan.submission.addItem ? 1 : 0) + 1
    : 0
  return (
    (plan.cancel?.submission ? 1 : 0) +
    version +
    (plan.compliance ? 1 : 0) +
    plan.localizations.length +
    (plan.reviewDetail ? 1 : 0) +
    (plan.phased ? 1 : 0) +
    submit
  )
}
