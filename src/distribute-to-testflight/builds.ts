import type { AscClient } from '#shared/asc/client.js'
import {
  indexIncluded,
  relatedId,
  relatedIds,
  type Document,
  type Query,
  type Resource
} from '#shared/asc/types.js'
import type { components } from '#shared/asc/generated/openapi-types.js'
import { ConfigurationError, OperationFailedError, TimeoutError } from '#shared/errors.js'
import { formatDuration } from '#shared/duration.js'
import { pollUntil } from '#shared/poll.js'
import type { Sleep } from '#shared/sleep.js'
import { waitClock } from './progress.js'
import type { Platform } from './settings.js'

type BuildAttributes = NonNullable<components['schemas']['Build']['attributes']>
export type ProcessingState = NonNullable<BuildAttributes['processingState']>

export interface Localization {
  id: string
  locale: string
  whatsNew?: string
}

/** A build with everything the configuration steps need, read in one request. */
export interface BuildView {
  id: string
  buildNumber: string
  version?: string
  platform?: Platform
  processingState?: ProcessingState
  usesNonExemptEncryption?: boolean | null
  uploadedDate?: string
  appId?: string
  appName?: string
  bundleId?: string
  localizations: Localization[]
  groupIds: string[]
  testerIds: string[]
  reviewSubmission?: { id: string; state?: string }
  autoNotifyEnabled?: boolean
  externalBuildState?: string
  /** Apple's reasons, from the build's upload, when processing failed. */
  uploadErrors: string[]
}

/** Everything a build's configuration needs, in one `include`. */
export const BUILD_QUERY: Query = {
  include: [
    'preReleaseVersion',
    'buildBetaDetail',
    'betaBuildLocalizations',
    'betaAppReviewSubmission',
    'betaGroups',
    'individualTesters',
    'app',
    'buildUpload'
  ],
  'fields[builds]': [
    'version',
    'uploadedDate',
    'processingState',
    'usesNonExemptEncryption',
    'expired',
    'preReleaseVersion',
    'buildBetaDetail',
    'betaBuildLocalizations',
    'betaAppReviewSubmission',
    'betaGroups',
    'individualTesters',
    'app',
    'buildUpload'
  ],
  'fields[preReleaseVersions]': ['version', 'platform'],
  'fields[buildBetaDetails]': ['autoNotifyEnabled', 'externalBuildState', 'internalBuildState'],
  'fields[betaBuildLocalizations]': ['locale', 'whatsNew'],
  'fields[betaAppReviewSubmissions]': ['betaReviewState', 'submittedDate'],
  'fields[betaGroups]': ['name'],
  'fields[betaTesters]': ['email'],
  'fields[apps]': ['bundleId', 'name'],
  'fields[buildUploads]': ['state'],
  'limit[betaBuildLocalizations]': 50,
  'limit[betaGroups]': 50,
  'limit[individualTesters]': 50
}

export function toBuildView(r: Resource, included: Resource[] = []): BuildView {
  const index = indexIncluded(included)
  const get = (type: string, id?: string) => (id ? index.get(`${type}/${id}`) : undefined)
  const a = (r.attributes ?? {}) as BuildAttributes
  const pre = get('preReleaseVersions', relatedId(r, 'preReleaseVersion'))
  const app = get('apps', relatedId(r, 'app'))
  const detail = get('buildBetaDetails', relatedId(r, 'buildBetaDetail'))
  const review = get('betaAppReviewSubmissions', relatedId(r, 'betaAppReviewSubmission'))
  const upload = get('buildUploads', relatedId(r, 'buildUpload'))
  const uploadState = (upload?.attributes?.state ?? {}) as {
    errors?: Array<{ code?: string; description?: string }>
  }
  return {
    id: r.id,
    buildNumber: a.version ?? '',
    version: pre?.attributes?.version as string | undefined,
    platform: pre?.attributes?.platform as Platform | undefined,
    processingState: a.processingState,
    usesNonExemptEncryption: a.usesNonExemptEncryption,
    uploadedDate: a.uploadedDate,
    appId: relatedId(r, 'app'),
    appName: app?.attributes?.name as string | undefined,
    bundleId: app?.attributes?.bundleId as string | undefined,
    localizations: relatedIds(r, 'betaBuildLocalizations')
      .map((id) => get('betaBuildLocalizations', id))
      .filter((l): l is Resource => !!l)
      .map((l) => ({
        id: l.id,
        locale: String(l.attributes?.locale ?? ''),
        whatsNew: l.attributes?.whatsNew as string | undefined
      })),
    groupIds: relatedIds(r, 'betaGroups'),
    testerIds: relatedIds(r, 'individualTesters'),
    reviewSubmission: review
      ? { id: review.id, state: review.attributes?.betaReviewState as string | undefined }
      : undefined,
    autoNotifyEnabled: detail?.attributes?.autoNotifyEnabled as boolean | undefined,
    externalBuildState: detail?.attributes?.externalBuildState as string | undefined,
    uploadErrors: (uploadState.errors ?? []).map((e) =>
      [e.code, e.description].filter(Boolean).join(': ')
    )
  }
}

export interface BuildSearch {
  appId: string
  version?: string
  buildNumber: string
  platform: Platform
}

/** `1.2 (45), ios`: a build's name in messages. */
export function describeBuild(s: {
  version?: string
  buildNumber: string
  platform?: string
}): string {
  return `${s.version ? `${s.version} ` : ''}(${s.buildNumber})${s.platform ? ` for ${s.platform}` : ''}`
}

/**
 * The build by version, build number and platform, in one filtered request, compared exactly
 * (Apple's filters match loosely). Undefined when it is not there (yet).
 */
export async function findBuild(client: AscClient, s: BuildSearch): Promise<BuildView | undefined> {
  const { data, included } = await client.all('/v1/builds', {
    'filter[app]': [s.appId],
    'filter[version]': [s.buildNumber],
    'filter[preReleaseVersion.platform]': [s.platform],
    'filter[preReleaseVersion.version]': s.version ? [s.version] : undefined,
    sort: '-uploadedDate',
    ...BUILD_QUERY
  })
  const matches = data
    .map((r) => toBuildView(r, included))
    .filter(
      (b) =>
        b.buildNumber === s.buildNumber &&
        (!s.version || b.version === s.version) &&
        (!b.platform || b.platform === s.platform)
    )
  if (matches.length > 1 && !s.version) {
    const versions = [...new Set(matches.map((b) => b.version))]
    if (versions.length > 1)
      throw new ConfigurationError(
        `build ${s.buildNumber} exists for versions ${versions.join(', ')}; set version to say which one.`,
        'version'
      )
  }
  return matches[0]
}

export async function getBuild(client: AscClient, id: string): Promise<BuildView> {
  const doc = await client.get<Document<Resource>>(
    `/v1/builds/${encodeURIComponent(id)}`,
    BUILD_QUERY
  )
  return toBuildView(doc.data, doc.included)
}

export interface WaitOptions {
  wait: boolean
  timeoutMs: number
  pollIntervalMs: number
  /** When the wait started (the upload's start counts too). */
  startedAt?: number
  sleep?: Sleep
  now?: () => number
  log?: (message: string) => void
  /**
   * Runs once, as soon as the build is visible (still processing or not): What to Test is accepted
   * while the build processes, so it need not wait for VALID.
   */
  onVisible?: (build: BuildView) => Promise<void>
}

export interface WaitResult {
  build: BuildView
  waitedMs: number
  polls: number
}

/**
 * Finds the build (waiting for it to appear) and waits until it is VALID, polling at the interval
 * and bounded by the timeout. FAILED or INVALID end the wait at once with Apple's reasons.
 */
export async function waitForBuild(
  client: AscClient,
  search: BuildSearch,
  options: WaitOptions,
  known?: BuildView | string
): Promise<WaitResult> {
  const now = options.now ?? Date.now
  const log = options.log ?? (() => undefined)
  const started = now()
  const deadline = (options.startedAt ?? started) + options.timeoutMs
  let polls = 0
  let build: BuildView | undefined = typeof known === 'object' ? known : undefined
  const buildId = typeof known === 'string' ? known : undefined
  const name = describeBuild(search)
  const fetch = async (): Promise<BuildView | undefined> => {
    polls++
    const id = build?.id ?? buildId
    return id ? getBuild(client, id) : findBuild(client, search)
  }
  let first = true
  let seen = false
  const found = await pollUntil<BuildView>(
    {
      deadline,
      intervalMs: options.pollIntervalMs,
      log,
      sleep: options.sleep,
      now,
      timeout: () => {
        const waited = formatDuration(now() - (options.startedAt ?? started))
        return new TimeoutError(
          build
            ? `Build ${name} was still ${build.processingState ?? 'PROCESSING'} after ${waited} (processing-timeout). Apple's processing sometimes takes longer: raise processing-timeout, or run the step again later (it picks the build up where it is).`
            : `Build ${name} did not appear in App Store Connect within ${waited} (processing-timeout). Check that the upload went to this app, that version and build-number match, or raise processing-timeout.`
        )
      }
    },
    async () => {
      if (!first || !build) build = await fetch()
      first = false
      if (build) {
        const state = build.processingState
        if (state === 'FAILED' || state === 'INVALID') {
          const reasons = build.uploadErrors.length
            ? ` Apple says: ${build.uploadErrors.join('; ')}.`
            : ''
          throw new OperationFailedError(
            `Build ${name} finished processing as ${state}.${reasons} Apple e-mails the details to the account holder; fix the build and upload it again with a higher build number.`
          )
        }
        if (!seen) {
          seen = true
          await options.onVisible?.(build)
        }
        if (state === 'VALID') return { done: true, value: build }
        if (!options.wait) return { done: true, value: build }
        return {
          done: false,
          waiting: `Build ${name} is ${state ?? 'PROCESSING'} (${waitClock(options.startedAt ?? started, deadline, now())})`
        }
      }
      if (!options.wait)
        throw new ConfigurationError(
          `no build ${name} in App Store Connect. Check version and build-number, or set wait-for-processing: true to wait for it to appear.`,
          'build-number'
        )
      return {
        done: false,
        waiting: `Build ${name} is not in App Store Connect yet (${waitClock(options.startedAt ?? started, deadline, now())})`
      }
    }
  )
  return { build: found, waitedMs: now() - started, polls }
}
