import type { AscClient, PageStats } from '#shared/asc/client.js'
import { indexIncluded, relatedId, type Resource } from '#shared/asc/types.js'
import type { components } from '#shared/asc/generated/openapi-types.js'
import type { ApplePlatform } from '#shared/platforms.js'
import type { HeldNumber } from './build-numbers.js'

type Schemas = components['schemas']
type BuildResource = Resource<NonNullable<Schemas['Build']['attributes']>>
type UploadResource = Resource<NonNullable<Schemas['BuildUpload']['attributes']>>
type PreReleaseVersionAttributes = NonNullable<Schemas['PrereleaseVersion']['attributes']>

/** Apple's largest page for both listings. */
export const PAGE_SIZE = 200
/**
 * Upload states that hold a build number: in flight, or complete (its build may not be listed yet).
 * A FAILED upload made no build, so its number is free again.
 */
export const HOLDING_UPLOAD_STATES = ['AWAITING_UPLOAD', 'PROCESSING', 'COMPLETE'] as const

export interface Filter {
  platform: ApplePlatform
  /** Marketing version, compared exactly (Apple's filters may match loosely). */
  version?: string
}

export interface Listing {
  numbers: HeldNumber[]
  /** Pages read. */
  pages: number
  /** False when a listing stopped before its end (the client warned). */
  complete: boolean
}

/** The narrow port between orchestration and App Store Connect: read-only, two listings. */
export interface BuildNumbersPort {
  /** Every build of the app for the platform (and version), expired and processing ones included. */
  builds(appId: string, filter: Filter): Promise<Listing>
  /** The app's build uploads for the platform (and version) that hold a number. */
  uploads(appId: string, filter: Filter): Promise<Listing>
}

export class AscBuildNumbers implements BuildNumbersPort {
  constructor(private readonly client: AscClient) {}

  async builds(appId: string, filter: Filter): Promise<Listing> {
    const stats: PageStats = { pages: 0, complete: true }
    const numbers: HeldNumber[] = []
    // No filter on expired or processingState: every build holds its number.
    const pages = this.client.pages<BuildResource>(
      '/v1/builds',
      {
        'filter[app]': [appId],
        'filter[preReleaseVersion.platform]': [filter.platform],
        'filter[preReleaseVersion.version]': filter.version ? [filter.version] : undefined,
        include: ['preReleaseVersion'],
        'fields[builds]': [
          'version',
          'uploadedDate',
          'processingState',
          'expired',
          'preReleaseVersion'
        ],
        'fields[preReleaseVersions]': ['version'],
        limit: PAGE_SIZE
      },
      {},
      stats
    )
    for await (const page of pages) {
      const index = indexIncluded(page.included)
      for (const b of page.data ?? []) {
        const prv = relatedId(b, 'preReleaseVersion')
        const version = (
          index.get(`preReleaseVersions/${prv}`)?.attributes as
            PreReleaseVersionAttributes | undefined
        )?.version
        if (filter.version !== undefined && version !== undefined && version !== filter.version)
          continue
        numbers.push({
          kind: 'build',
          id: b.id,
          buildNumber: b.attributes?.version ?? '',
          version,
          date: b.attributes?.uploadedDate,
          state: b.attributes?.processingState,
          expired: b.attributes?.expired
        })
      }
    }
    return { numbers, ...stats }
  }

  async uploads(appId: string, filter: Filter): Promise<Listing> {
    const stats: PageStats = { pages: 0, complete: true }
    const numbers: HeldNumber[] = []
    const pages = this.client.pages<UploadResource>(
      `/v1/apps/${encodeURIComponent(appId)}/buildUploads`,
      {
        'filter[platform]': [filter.platform],
        'filter[cfBundleShortVersionString]': filter.version ? [filter.version] : undefined,
        'filter[state]': HOLDING_UPLOAD_STATES,
        'fields[buildUploads]': [
          'cfBundleShortVersionString',
          'cfBundleVersion',
          'platform',
          'state',
          'createdDate',
          'uploadedDate'
        ],
        limit: PAGE_SIZE
      },
      {},
      stats
    )
    for await (const page of pages)
      for (const u of page.data ?? []) {
        const a = u.attributes
        if (a?.platform !== undefined && a.platform !== filter.platform) continue
        if (filter.version !== undefined && a?.cfBundleShortVersionString !== filter.version)
          continue
        numbers.push({
          kind: 'upload',
          id: u.id,
          buildNumber: a?.cfBundleVersion ?? '',
          version: a?.cfBundleShortVersionString,
          date: a?.uploadedDate ?? a?.createdDate,
          state: a?.state?.state
        })
      }
    return { numbers, ...stats }
  }
}
