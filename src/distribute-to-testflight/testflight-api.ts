import type { AscClient } from '#shared/asc/client.js'
import { ApiError } from '#shared/asc/errors.js'
import { conflictAs, RefusedError } from './refusals.js'
import type { Document, Resource } from '#shared/asc/types.js'
import type { BetaGroupInfo } from './groups.js'
import type { Tester } from './plan.js'

export { ALL_BUILDS_REFUSAL, ConflictError, RefusedError, type ApplyStep } from './refusals.js'

/** A build's What to Test notes in one locale. */
export interface LocalizationInfo {
  id: string
  locale: string
  whatsNew?: string
}

/** The settings of a group's public link that this action changes. */
export interface PublicLinkSettings {
  /** The most testers who may join through the link; undefined leaves the limit as it is. */
  limit?: number
}

/** The narrow port between distribute-to-testflight and App Store Connect's TestFlight resources. */
export interface TestFlightApi {
  /** The app's beta groups. */
  betaGroups(appId: string): Promise<BetaGroupInfo[]>
  /** The app's testers among `emails` (compared case-insensitively by the caller). */
  testers(appId: string, emails: string[]): Promise<Tester[]>
  setExportCompliance(buildId: string, usesNonExemptEncryption: boolean): Promise<void>
  /** The build's localization for `locale` (case-insensitive), if any. */
  findLocalization(buildId: string, locale: string): Promise<LocalizationInfo | undefined>
  /** Creates one; a lost answer is recovered by reading. Throws ConflictError when one exists. */
  createLocalization(buildId: string, locale: string, text: string): Promise<LocalizationInfo>
  updateLocalization(id: string, text: string): Promise<void>
  /** Gives the build to the groups. Throws RefusedError when Apple refuses (409/422). */
  addBuildToGroups(buildId: string, groupIds: string[]): Promise<void>
  /** The app's groups named exactly `name` (there can be more than one). */
  groupsNamed(appId: string, name: string): Promise<BetaGroupInfo[]>
  /** Removes a group (one this run made twice); one already gone is fine. */
  deleteGroup(groupId: string): Promise<void>
  addTestersToBuild(buildId: string, testerIds: string[]): Promise<void>
  /**
   * Creates an external group with its public link on, holding the build (recovered by name).
   * Throws ConflictError when Apple answers that it exists already.
   */
  createPublicLinkGroup(
    appId: string,
    buildId: string,
    name: string,
    link: PublicLinkSettings
  ): Promise<BetaGroupInfo>
  /** Turns the group's public link on (and sets its limit). */
  enablePublicLink(groupId: string, link: PublicLinkSettings): Promise<BetaGroupInfo>
  /** The group's public link URL. */
  publicLink(groupId: string): Promise<string | undefined>
  /** The build's beta review submission, if it has one. */
  reviewSubmission(buildId: string): Promise<{ state?: string } | undefined>
  /** Submits the build for beta review. Throws ConflictError when it is submitted already. */
  submitForReview(buildId: string): Promise<{ state?: string }>
  /** Sends the "new build" notification. Throws ConflictError when Apple will not send one. */
  notifyTesters(buildId: string): Promise<void>
}

export const GROUP_FIELDS = [
  'name',
  'createdDate',
  'isInternalGroup',
  'hasAccessToAllBuilds',
  'publicLinkEnabled',
  'publicLinkLimitEnabled',
  'publicLinkLimit',
  'publicLink'
]

export function toGroup(r: Resource): BetaGroupInfo {
  const a = r.attributes ?? {}
  return {
    id: r.id,
    name: String(a.name ?? ''),
    isInternal: a.isInternalGroup === true,
    allBuilds: a.isInternalGroup === true && a.hasAccessToAllBuilds === true,
    createdDate: a.createdDate as string | undefined,
    publicLinkEnabled: a.publicLinkEnabled as boolean | undefined,
    publicLinkLimitEnabled: a.publicLinkLimitEnabled as boolean | undefined,
    publicLinkLimit: a.publicLinkLimit as number | undefined,
    publicLink: a.publicLink as string | undefined
  }
}

const buildRef = (id: string) => ({ data: { type: 'builds', id } })
const buildPath = (id: string) => `/v1/builds/${encodeURIComponent(id)}`

function linkAttributes(link: PublicLinkSettings): Record<string, unknown> {
  const attributes: Record<string, unknown> = { publicLinkEnabled: true }
  if (link.limit !== undefined)
    Object.assign(attributes, { publicLinkLimitEnabled: true, publicLinkLimit: link.limit })
  return attributes
}

export class AscTestFlightApi implements TestFlightApi {
  constructor(private readonly client: AscClient) {}

  async betaGroups(appId: string): Promise<BetaGroupInfo[]> {
    const { data } = await this.client.all('/v1/betaGroups', {
      'filter[app]': [appId],
      'fields[betaGroups]': GROUP_FIELDS
    })
    return data.map(toGroup)
  }

  async testers(appId: string, emails: string[]): Promise<Tester[]> {
    const { data } = await this.client.all('/v1/betaTesters', {
      'filter[email]': emails,
      'filter[apps]': [appId],
      'fields[betaTesters]': ['email']
    })
    return data.map((r) => ({ id: r.id, email: String(r.attributes?.email ?? '') }))
  }

  async setExportCompliance(buildId: string, usesNonExemptEncryption: boolean): Promise<void> {
    await this.client.patch(buildPath(buildId), {
      data: { type: 'builds', id: buildId, attributes: { usesNonExemptEncryption } }
    })
  }

  async findLocalization(buildId: string, locale: string): Promise<LocalizationInfo | undefined> {
    const found = await this.localizationResource(buildId, locale)
    return found && toLocalization(found)
  }

  private async localizationResource(buildId: string, locale: string) {
    const { data } = await this.client.all('/v1/betaBuildLocalizations', {
      'filter[build]': [buildId],
      'filter[locale]': [locale],
      'fields[betaBuildLocalizations]': ['locale', 'whatsNew']
    })
    return data.find((l) => String(l.attributes?.locale).toLowerCase() === locale.toLowerCase())
  }

  async createLocalization(
    buildId: string,
    locale: string,
    text: string
  ): Promise<LocalizationInfo> {
    const recover = async () => {
      const found = await this.localizationResource(buildId, locale)
      return found && { data: found }
    }
    const doc = await conflictAs('localization', () =>
      this.client.post<Document<Resource>>(
        '/v1/betaBuildLocalizations',
        {
          data: {
            type: 'betaBuildLocalizations',
            attributes: { locale, whatsNew: text },
            relationships: { build: buildRef(buildId) }
          }
        },
        { recover }
      )
    )
    return toLocalization(doc.data)
  }

  async updateLocalization(id: string, text: string): Promise<void> {
    await this.client.patch(`/v1/betaBuildLocalizations/${encodeURIComponent(id)}`, {
      data: { type: 'betaBuildLocalizations', id, attributes: { whatsNew: text } }
    })
  }

  async addBuildToGroups(buildId: string, groupIds: string[]): Promise<void> {
    try {
      await this.client.post(
        `${buildPath(buildId)}/relationships/betaGroups`,
        { data: groupIds.map((id) => ({ type: 'betaGroups', id })) },
        { idempotent: true }
      )
    } catch (e) {
      if (e instanceof ApiError && (e.status === 409 || e.status === 422))
        throw new RefusedError(e.errors[0]?.detail, e)
      throw e
    }
  }

  async groupsNamed(appId: string, name: string): Promise<BetaGroupInfo[]> {
    const { data } = await this.client.all('/v1/betaGroups', {
      'filter[app]': [appId],
      'filter[name]': [name],
      'fields[betaGroups]': GROUP_FIELDS
    })
    return data.map(toGroup).filter((g) => g.name === name)
  }

  async deleteGroup(groupId: string): Promise<void> {
    try {
      await this.client.delete(`/v1/betaGroups/${encodeURIComponent(groupId)}`)
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return
      throw e
    }
  }

  async addTestersToBuild(buildId: string, testerIds: string[]): Promise<void> {
    await this.client.post(
      `${buildPath(buildId)}/relationships/individualTesters`,
      { data: testerIds.map((id) => ({ type: 'betaTesters', id })) },
      { idempotent: true }
    )
  }

  async createPublicLinkGroup(
    appId: string,
    buildId: string,
    name: string,
    link: PublicLinkSettings
  ): Promise<BetaGroupInfo> {
    const doc = await conflictAs('groups', () =>
      this.client.post<Document<Resource>>(
        '/v1/betaGroups',
        {
          data: {
            type: 'betaGroups',
            attributes: { name, isInternalGroup: false, ...linkAttributes(link) },
            relationships: {
              app: { data: { type: 'apps', id: appId } },
              builds: { data: [{ type: 'builds', id: buildId }] }
            }
          }
        },
        {
          recover: async () => {
            const { data } = await this.client.all('/v1/betaGroups', {
              'filter[app]': [appId],
              'filter[name]': [name],
              'fields[betaGroups]': GROUP_FIELDS
            })
            const found = data.find((g) => g.attributes?.name === name)
            return found ? { data: found } : undefined
          }
        }
      )
    )
    return toGroup(doc.data)
  }

  async enablePublicLink(groupId: string, link: PublicLinkSettings): Promise<BetaGroupInfo> {
    const doc = await this.client.patch<Document<Resource>>(
      `/v1/betaGroups/${encodeURIComponent(groupId)}`,
      { data: { type: 'betaGroups', id: groupId, attributes: linkAttributes(link) } }
    )
    return toGroup(doc.data)
  }

  async publicLink(groupId: string): Promise<string | undefined> {
    const doc = await this.client.get<Document<Resource>>(
      `/v1/betaGroups/${encodeURIComponent(groupId)}`,
      { 'fields[betaGroups]': ['publicLink'] }
    )
    return doc.data.attributes?.publicLink as string | undefined
  }

  async reviewSubmission(buildId: string): Promise<{ state?: string } | undefined> {
    const found = await this.reviewSubmissionResource(buildId)
    return found && { state: reviewState(found) }
  }

  private async reviewSubmissionResource(buildId: string): Promise<Resource | undefined> {
    try {
      const doc = await this.client.get<Document<Resource>>(
        `${buildPath(buildId)}/betaAppReviewSubmission`,
        { 'fields[betaAppReviewSubmissions]': ['betaReviewState'] }
      )
      // Apple answers `data: null` when the build has no submission.
      return (doc.data as Resource | null) ?? undefined
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return undefined
      throw e
    }
  }

  async submitForReview(buildId: string): Promise<{ state?: string }> {
    const doc = await conflictAs('beta-review', () =>
      this.client.post<Document<Resource>>(
        '/v1/betaAppReviewSubmissions',
        { data: { type: 'betaAppReviewSubmissions', relationships: { build: buildRef(buildId) } } },
        {
          recover: async () => {
            const found = await this.reviewSubmissionResource(buildId)
            return found && { data: found }
          }
        }
      )
    )
    return { state: reviewState(doc.data) }
  }

  async notifyTesters(buildId: string): Promise<void> {
    await conflictAs('notification', () =>
      this.client.post(
        '/v1/buildBetaNotifications',
        { data: { type: 'buildBetaNotifications', relationships: { build: buildRef(buildId) } } },
        { idempotent: true }
      )
    )
  }
}

function toLocalization(r: Resource): LocalizationInfo {
  return {
    id: r.id,
    locale: String(r.attributes?.locale ?? ''),
    whatsNew: r.attributes?.whatsNew as string | undefined
  }
}

const reviewState = (r: Resource) => r.attributes?.betaReviewState as string | undefined
