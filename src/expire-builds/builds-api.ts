import type { AscClient } from '#shared/asc/client.js'
import { indexIncluded, relatedId, type Document, type Resource } from '#shared/asc/types.js'
import type { components } from '#shared/asc/generated/openapi-types.js'
import type { BuildInfo } from './plan.js'

type Schemas = components['schemas']
type BuildResource = Resource<NonNullable<Schemas['Build']['attributes']>>
type PreReleaseVersionAttributes = NonNullable<Schemas['PrereleaseVersion']['attributes']>
type ReviewAttributes = NonNullable<Schemas['BetaAppReviewSubmission']['attributes']>
type BetaDetailAttributes = NonNullable<Schemas['BuildBetaDetail']['attributes']>

/** What expiring one build came to. */
export type ExpireOutcome = 'expired' | 'already-expired'

export interface BuildListing {
  builds: BuildInfo[]
  /** Pages read (empty pages re-read included). */
  pages: number
  /** False when the listing stopped early (an empty page that kept linking onwards). */
  complete: boolean
}

/** Apple's largest page for `GET /v1/builds`. */
export const PAGE_SIZE = 200
/** A safety cap: 1,000 pages of 200 is far more builds than an app can have unexpired. */
const MAX_PAGES = 1000

/** The narrow port between orchestration and App Store Connect's builds. */
export interface BuildsApi {
  /** Every not-yet-expired build of the app (of `platform` and `version` when given), in one listing. */
  list(appId: string, filter: { platform?: string; version?: string }): Promise<BuildListing>
  /** Which of `ids` are builds of the app, expired or not. */
  existing(appId: string, ids: readonly string[]): Promise<string[]>
  /** Which of `ids` (builds of the app) read as expired now: one listing, whatever their number. */
  expiredAmong(appId: string, ids: readonly string[]): Promise<string[]>
  /** Expires one build; a 409 (not in a state that allows it) is thrown for the caller to confirm. */
  expire(id: string): Promise<ExpireOutcome>
}

export class AscBuildsApi implements BuildsApi {
  constructor(private readonly client: AscClient) {}

  async list(
    appId: string,
    filter: { platform?: string; version?: string }
  ): Promise<BuildListing> {
    const { data, included, pages, complete } = await this.client.all<BuildResource>(
      '/v1/builds',
      {
        'filter[app]': [appId],
        'filter[expired]': ['false'],
        'filter[preReleaseVersion.platform]': filter.platform ? [filter.platform] : undefined,
        'filter[preReleaseVersion.version]': filter.version ? [filter.version] : undefined,
        include: ['preReleaseVersion', 'betaAppReviewSubmission', 'buildBetaDetail'],
        'fields[builds]': [
          'version',
          'uploadedDate',
          'expired',
          'processingState',
          'preReleaseVersion',
          'betaAppReviewSubmission',
          'buildBetaDetail'
        ],
        'fields[preReleaseVersions]': ['version', 'platform'],
        'fields[betaAppReviewSubmissions]': ['betaReviewState'],
        'fields[buildBetaDetails]': ['externalBuildState'],
        limit: PAGE_SIZE
      },
      { maxPages: MAX_PAGES }
    )
    const index = indexIncluded(included)
    const attributes = <A>(type: string, id: string | undefined): A | undefined =>
      id === undefined ? undefined : (index.get(`${type}/${id}`)?.attributes as A | undefined)
    const builds = data.map((b): BuildInfo => {
      const prv = attributes<PreReleaseVersionAttributes>(
        'preReleaseVersions',
        relatedId(b, 'preReleaseVersion')
      )
      const review = attributes<ReviewAttributes>(
        'betaAppReviewSubmissions',
        relatedId(b, 'betaAppReviewSubmission')
      )
      const detail = attributes<BetaDetailAttributes>(
        'buildBetaDetails',
        relatedId(b, 'buildBetaDetail')
      )
      return {
        id: b.id,
        buildNumber: b.attributes?.version ?? '',
        version: prv?.version,
        platform: prv?.platform,
        uploadedDate: b.attributes?.uploadedDate,
        processingState: b.attributes?.processingState,
        expired: b.attributes?.expired === true,
        betaReviewState: review?.betaReviewState,
        externalBuildState: detail?.externalBuildState
      }
    })
    return { builds, pages, complete }
  }

  async existing(appId: string, ids: readonly string[]): Promise<string[]> {
    if (!ids.length) return []
    const { data } = await this.client.all<BuildResource>('/v1/builds', {
      'filter[app]': [appId],
      'filter[id]': ids,
      'fields[builds]': ['version']
    })
    return data.map((b) => b.id)
  }

  async expiredAmong(appId: string, ids: readonly string[]): Promise<string[]> {
    if (!ids.length) return []
    const { data } = await this.client.all<BuildResource>('/v1/builds', {
      'filter[app]': [appId],
      'filter[id]': ids,
      'filter[expired]': ['true'],
      'fields[builds]': ['expired']
    })
    return data.filter((b) => b.attributes?.expired === true).map((b) => b.id)
  }

  /**
   * Expires one build. Apple refuses to change a build that is no longer in a state that allows
   * it with 409: that ApiError is thrown as it is, for `expireAll` to confirm all such builds in one
   * read (`expiredAmong`), as a race with another run (or a retry after a lost answer) leaves them.
   */
  async expire(id: string): Promise<ExpireOutcome> {
    await this.client.patch<Document<BuildResource>>(`/v1/builds/${encodeURIComponent(id)}`, {
      data: { type: 'builds', id, attributes: { expired: true } }
    })
    return 'expired'
  }
}
