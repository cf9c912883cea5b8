import type { AscClient } from './client.js'
import { indexIncluded, relatedId, type Document, type Resource } from './types.js'
import {
  LOCALIZATION_FIELDS,
  OPEN_SUBMISSION_STATES,
  VERSION_FIELDS,
  toBuild,
  toLocalization,
  toSubmission,
  toVersion,
  type Attributes,
  type StoreBuild,
  type StoreLocalization,
  type StoreSubmission,
  type StoreVersion,
  type VersionListing
} from './app-store-resources.js'

export * from './app-store-resources.js'

/**
 * The narrow port over App Store Connect's App Store versions, their localizations, review
 * details, phased releases, release requests, review submissions and the builds they take. Shared
 * by submit-to-app-store and release-to-app-store; every path, filter and field is Apple's.
 */
const ref = (type: string, id: string) => ({ data: { type, id } })
const enc = encodeURIComponent

export class AppStoreVersions {
  constructor(private readonly client: AscClient) {}

  /** Every version of the app for the platform, with what deciding needs, in one listing. */
  async list(appId: string, platform: string, versionString?: string): Promise<VersionListing> {
    const { data, included } = await this.client.all(`/v1/apps/${enc(appId)}/appStoreVersions`, {
      'filter[platform]': [platform],
      'filter[versionString]': versionString ? [versionString] : undefined,
      ...VERSION_FIELDS,
      limit: 200
    })
    const index = indexIncluded(included)
    const app = included.find((r) => r.type === 'apps')
    const versions = data
      .map((r) => toVersion(r, index))
      .filter((v) => versionString === undefined || v.versionString === versionString)
    return {
      versions,
      primaryLocale: (app?.attributes as Attributes | undefined)?.primaryLocale as
        string | undefined
    }
  }

  async get(versionId: string): Promise<StoreVersion> {
    const doc = await this.client.get<Document<Resource>>(
      `/v1/appStoreVersions/${enc(versionId)}`,
      VERSION_FIELDS
    )
    return toVersion(doc.data, indexIncluded(doc.included))
  }

  /** Creates a version and returns its ID; a lost answer is recovered by looking it up by versionString. */
  async create(
    appId: string,
    platform: string,
    attributes: Attributes,
    buildId?: string
  ): Promise<string> {
    const versionString = String(attributes.versionString)
    const find = async () => (await this.list(appId, platform, versionString)).versions[0]
    const doc = await this.client.post<Document<Resource> | StoreVersion>(
      '/v1/appStoreVersions',
      {
        data: {
          type: 'appStoreVersions',
          attributes: { ...attributes, platform },
          relationships: {
            app: ref('apps', appId),
            ...(buildId ? { build: ref('builds', buildId) } : {})
          }
        }
      },
      { recover: find }
    )
    return 'data' in doc ? doc.data.id : doc.id
  }

  async update(versionId: string, attributes: Attributes, buildId?: string): Promise<void> {
    await this.client.patch(`/v1/appStoreVersions/${enc(versionId)}`, {
      data: {
        type: 'appStoreVersions',
        id: versionId,
        ...(Object.keys(attributes).length ? { attributes } : {}),
        ...(buildId ? { relationships: { build: ref('builds', buildId) } } : {})
      }
    })
  }

  async localizations(versionId: string, locale?: string): Promise<StoreLocalization[]> {
    const { data } = await this.client.all(
      `/v1/appStoreVersions/${enc(versionId)}/appStoreVersionLocalizations`,
      {
        'filter[locale]': locale ? [locale] : undefined,
        'fields[appStoreVersionLocalizations]': ['locale', ...LOCALIZATION_FIELDS],
        limit: 200
      }
    )
    return data.map(toLocalization).filter((l) => locale === undefined || l.locale === locale)
  }

  async createLocalization(
    versionId: string,
    locale: string,
    attributes: Attributes
  ): Promise<void> {
    await this.client.post<unknown>(
      '/v1/appStoreVersionLocalizations',
      {
        data: {
          type: 'appStoreVersionLocalizations',
          attributes: { locale, ...attributes },
          relationships: { appStoreVersion: ref('appStoreVersions', versionId) }
        }
      },
      { recover: async () => (await this.localizations(versionId, locale))[0] }
    )
  }

  async updateLocalization(id: string, attributes: Attributes): Promise<void> {
    await this.client.patch(`/v1/appStoreVersionLocalizations/${enc(id)}`, {
      data: { type: 'appStoreVersionLocalizations', id, attributes }
    })
  }

  async createReviewDetail(versionId: string, attributes: Attributes): Promise<void> {
    await this.client.post<unknown>(
      '/v1/appStoreReviewDetails',
      {
        data: {
          type: 'appStoreReviewDetails',
          attributes,
          relationships: { appStoreVersion: ref('appStoreVersions', versionId) }
        }
      },
      { recover: async () => (await this.get(versionId)).reviewDetail }
    )
  }

  async updateReviewDetail(id: string, attributes: Attributes): Promise<void> {
    await this.client.patch(`/v1/appStoreReviewDetails/${enc(id)}`, {
      data: { type: 'appStoreReviewDetails', id, attributes }
    })
  }

  async createPhasedRelease(versionId: string): Promise<void> {
    await this.client.post<unknown>(
      '/v1/appStoreVersionPhasedReleases',
      {
        data: {
          type: 'appStoreVersionPhasedReleases',
          attributes: { phasedReleaseState: 'INACTIVE' },
          relationships: { appStoreVersion: ref('appStoreVersions', versionId) }
        }
      },
      { recover: async () => (await this.get(versionId)).phasedRelease }
    )
  }

  async setPhasedRelease(id: string, phasedReleaseState: string): Promise<void> {
    await this.client.patch(`/v1/appStoreVersionPhasedReleases/${enc(id)}`, {
      data: { type: 'appStoreVersionPhasedReleases', id, attributes: { phasedReleaseState } }
    })
  }

  async deletePhasedRelease(id: string): Promise<void> {
    await this.client.delete(`/v1/appStoreVersionPhasedReleases/${enc(id)}`)
  }

  /** Releases a version pending developer release; a lost answer is recovered from its state. */
  async requestRelease(versionId: string): Promise<void> {
    await this.client.post<unknown>(
      '/v1/appStoreVersionReleaseRequests',
      {
        data: {
          type: 'appStoreVersionReleaseRequests',
          relationships: { appStoreVersion: ref('appStoreVersions', versionId) }
        }
      },
      {
        recover: async () => {
          const v = await this.get(versionId)
          return v.state === 'PENDING_DEVELOPER_RELEASE' ? undefined : v
        }
      }
    )
  }

  /** Builds of the app and platform with this build number (compared exactly), with their version. */
  async builds(appId: string, platform: string, buildNumber: string): Promise<StoreBuild[]> {
    const { data, included } = await this.client.all('/v1/builds', {
      'filter[app]': [appId],
      'filter[version]': [buildNumber],
      'filter[preReleaseVersion.platform]': [platform],
      include: ['preReleaseVersion'],
      'fields[builds]': [
        'version',
        'processingState',
        'expired',
        'usesNonExemptEncryption',
        'preReleaseVersion'
      ],
      'fields[preReleaseVersions]': ['version', 'platform'],
      limit: 200
    })
    const index = indexIncluded(included)
    return data
      .map((r) => {
        const pre = index.get(`preReleaseVersions/${relatedId(r, 'preReleaseVersion')}`)
        const a = (pre?.attributes ?? {}) as Attributes
        return { ...toBuild(r), version: a.version as string, platform: a.platform as string }
      })
      .filter((b) => b.buildNumber === buildNumber)
  }

  async answerCompliance(buildId: string, usesNonExemptEncryption: boolean): Promise<void> {
    await this.client.patch(`/v1/builds/${enc(buildId)}`, {
      data: { type: 'builds', id: buildId, attributes: { usesNonExemptEncryption } }
    })
  }

  /** The app's unfinished review submissions for the platform, with the version each is for. */
  async submissions(appId: string, platform: string, states = OPEN_SUBMISSION_STATES) {
    const { data } = await this.client.all('/v1/reviewSubmissions', {
      'filter[app]': [appId],
      'filter[platform]': [platform],
      'filter[state]': states,
      'fields[reviewSubmissions]': ['platform', 'state', 'appStoreVersionForReview'],
      include: ['appStoreVersionForReview'],
      'fields[appStoreVersions]': ['versionString'],
      limit: 200
    })
    return data.map(toSubmission).filter((s) => states.includes(s.state))
  }

  async getSubmission(id: string): Promise<StoreSubmission> {
    const doc = await this.client.get<Document<Resource>>(`/v1/reviewSubmissions/${enc(id)}`, {
      'fields[reviewSubmissions]': ['platform', 'state', 'appStoreVersionForReview'],
      include: ['appStoreVersionForReview'],
      'fields[appStoreVersions]': ['versionString']
    })
    return toSubmission(doc.data)
  }

  /** Creates the unsubmitted submission; a lost answer is recovered by reading the open one. */
  async createSubmission(appId: string, platform: string): Promise<StoreSubmission> {
    const find = async () => (await this.submissions(appId, platform, ['READY_FOR_REVIEW']))[0]
    const doc = await this.client.post<Document<Resource> | StoreSubmission>(
      '/v1/reviewSubmissions',
      {
        data: {
          type: 'reviewSubmissions',
          attributes: { platform },
          relationships: { app: ref('apps', appId) }
        }
      },
      { recover: find }
    )
    return 'data' in doc ? toSubmission(doc.data) : doc
  }

  async addItem(submissionId: string, versionId: string): Promise<void> {
    const find = async () => {
      const { data } = await this.client.all(`/v1/reviewSubmissions/${enc(submissionId)}/items`, {
        'fields[reviewSubmissionItems]': ['state', 'appStoreVersion'],
        include: ['appStoreVersion'],
        'fields[appStoreVersions]': ['versionString'],
        limit: 200
      })
      return data.find((i) => relatedId(i, 'appStoreVersion') === versionId)
    }
    await this.client.post<unknown>(
      '/v1/reviewSubmissionItems',
      {
        data: {
          type: 'reviewSubmissionItems',
          relationships: {
            reviewSubmission: ref('reviewSubmissions', submissionId),
            appStoreVersion: ref('appStoreVersions', versionId)
          }
        }
      },
      { recover: find }
    )
  }

  async setSubmission(id: string, attributes: { submitted?: boolean; canceled?: boolean }) {
    const doc = await this.client.patch<Document<Resource>>(`/v1/reviewSubmissions/${enc(id)}`, {
      data: { type: 'reviewSubmissions', id, attributes }
    })
    return toSubmission(doc.data)
  }
}
