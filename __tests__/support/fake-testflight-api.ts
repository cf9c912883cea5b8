import type { BuildView } from '../../src/distribute-to-testflight/builds.js'
import type { BetaGroupInfo } from '../../src/distribute-to-testflight/groups.js'
import type { Tester } from '../../src/distribute-to-testflight/plan.js'
import {
  ConflictError,
  RefusedError,
  type LocalizationInfo,
  type PublicLinkSettings,
  type TestFlightApi
} from '../../src/distribute-to-testflight/testflight-api.js'

/** Apple's error, as the real port keeps it in ConflictError.cause. */
export class AppleConflict extends Error {}

/**
 * An in-memory TestFlight of one app: groups, testers, localizations, the builds' group and tester
 * relationships, review submissions and notifications. Every call is recorded in `calls`.
 */
export class FakeTestFlightApi implements TestFlightApi {
  calls: string[] = []
  groups: BetaGroupInfo[] = []
  testerList: Tester[] = []
  localizations = new Map<string, LocalizationInfo & { buildId: string }>()
  groupBuilds = new Map<string, Set<string>>()
  testerBuilds = new Map<string, Set<string>>()
  compliance = new Map<string, boolean>()
  submissions = new Map<string, { state?: string }>()
  notified = new Set<string>()
  /** Runs before createLocalization stores anything: lets a test make one "meanwhile". */
  beforeCreateLocalization?: (buildId: string, locale: string) => void
  /** Runs before createPublicLinkGroup stores anything: lets a test race another run. */
  beforeCreateGroup?: (name: string) => void
  /** Refuse a group name that exists (409), which Apple itself does not do. */
  uniqueGroupNames = false
  /** Set: createLocalization answers with this text (a recovered lost answer of another job). */
  recoveredText?: string
  private n = 0

  async betaGroups(appId: string) {
    this.calls.push(`betaGroups ${appId}`)
    return this.groups.map((g) => ({ ...g }))
  }
  async testers(appId: string, emails: string[]) {
    this.calls.push(`testers ${appId} ${emails.join(',')}`)
    const wanted = new Set(emails.map((e) => e.toLowerCase()))
    return this.testerList.filter((t) => wanted.has(t.email.toLowerCase()))
  }
  async setExportCompliance(buildId: string, value: boolean) {
    this.calls.push(`setExportCompliance ${buildId} ${value}`)
    this.compliance.set(buildId, value)
  }
  async findLocalization(buildId: string, locale: string) {
    this.calls.push(`findLocalization ${buildId} ${locale}`)
    return this.localizationOf(buildId, locale)
  }
  async createLocalization(buildId: string, locale: string, text: string) {
    this.calls.push(`createLocalization ${buildId} ${locale}`)
    this.beforeCreateLocalization?.(buildId, locale)
    if (this.localizationOf(buildId, locale))
      throw new ConflictError('localization', 'exists', new AppleConflict('409 exists'))
    const made = { id: `L${++this.n}`, buildId, locale, whatsNew: this.recoveredText ?? text }
    this.localizations.set(made.id, made)
    return { id: made.id, locale, whatsNew: made.whatsNew }
  }
  async updateLocalization(id: string, text: string) {
    this.calls.push(`updateLocalization ${id}`)
    const l = this.localizations.get(id)
    if (!l) throw new Error(`no localization ${id}`)
    l.whatsNew = text
  }
  async addBuildToGroups(buildId: string, groupIds: string[]) {
    this.calls.push(`addBuildToGroups ${buildId} ${groupIds.join(',')}`)
    if (groupIds.some((id) => this.groups.find((g) => g.id === id)?.allBuilds))
      throw new RefusedError(
        'Builds cannot be assigned to this internal group.',
        new AppleConflict('422')
      )
    for (const id of groupIds) this.set(this.groupBuilds, id).add(buildId)
  }
  async addTestersToBuild(buildId: string, testerIds: string[]) {
    this.calls.push(`addTestersToBuild ${buildId} ${testerIds.join(',')}`)
    for (const id of testerIds) this.set(this.testerBuilds, id).add(buildId)
  }
  async createPublicLinkGroup(
    appId: string,
    buildId: string,
    name: string,
    link: PublicLinkSettings
  ) {
    this.calls.push(`createPublicLinkGroup ${appId} ${buildId} ${name}`)
    this.beforeCreateGroup?.(name)
    if (this.uniqueGroupNames && this.groups.some((g) => g.name === name))
      throw new ConflictError(
        'groups',
        'A group with this name already exists.',
        new AppleConflict('409')
      )
    const group: BetaGroupInfo = {
      id: `G${++this.n}`,
      name,
      isInternal: false,
      createdDate: new Date(Date.UTC(2026, 0, 1, 0, this.n)).toISOString(),
      ...this.link(`G${this.n}`, link)
    }
    this.groups.push(group)
    this.set(this.groupBuilds, group.id).add(buildId)
    return { ...group }
  }
  async groupsNamed(appId: string, name: string) {
    this.calls.push(`groupsNamed ${appId} ${name}`)
    return this.groups.filter((g) => g.name === name).map((g) => ({ ...g }))
  }
  async deleteGroup(groupId: string) {
    this.calls.push(`deleteGroup ${groupId}`)
    this.groups = this.groups.filter((g) => g.id !== groupId)
    this.groupBuilds.delete(groupId)
  }
  /** Another run's group of this name, made now (older than any this fake makes later). */
  addGroup(over: Partial<BetaGroupInfo> & { name: string }): BetaGroupInfo {
    const id = `G${++this.n}`
    const group: BetaGroupInfo = {
      id,
      isInternal: false,
      createdDate: new Date(Date.UTC(2026, 0, 1, 0, this.n)).toISOString(),
      ...over
    }
    this.groups.push(group)
    return group
  }
  async enablePublicLink(groupId: string, link: PublicLinkSettings) {
    this.calls.push(`enablePublicLink ${groupId}`)
    const group = this.groups.find((g) => g.id === groupId)!
    Object.assign(group, this.link(groupId, link))
    return { ...group }
  }
  async publicLink(groupId: string) {
    this.calls.push(`publicLink ${groupId}`)
    return this.groups.find((g) => g.id === groupId)?.publicLink
  }
  async reviewSubmission(buildId: string) {
    this.calls.push(`reviewSubmission ${buildId}`)
    return this.submissions.get(buildId)
  }
  async submitForReview(buildId: string) {
    this.calls.push(`submitForReview ${buildId}`)
    if (this.submissions.has(buildId))
      throw new ConflictError('beta-review', 'already submitted', new AppleConflict('409'))
    const s = { state: 'WAITING_FOR_REVIEW' }
    this.submissions.set(buildId, s)
    return s
  }
  async notifyTesters(buildId: string) {
    this.calls.push(`notifyTesters ${buildId}`)
    if (this.notified.has(buildId))
      throw new ConflictError(
        'notification',
        'testers were notified an hour ago',
        new AppleConflict('409')
      )
    this.notified.add(buildId)
  }

  /** Calls that change something. */
  changes(): string[] {
    return this.calls.filter(
      (c) =>
        !/^(betaGroups|testers|findLocalization|publicLink|reviewSubmission|groupsNamed) /.test(c)
    )
  }
  private localizationOf(buildId: string, locale: string) {
    const l = [...this.localizations.values()].find(
      (x) => x.buildId === buildId && x.locale.toLowerCase() === locale.toLowerCase()
    )
    return l && { id: l.id, locale: l.locale, whatsNew: l.whatsNew }
  }
  private link(groupId: string, link: PublicLinkSettings): Partial<BetaGroupInfo> {
    return {
      publicLinkEnabled: true,
      publicLink: `https://testflight.apple.com/join/${groupId}`,
      ...(link.limit !== undefined && { publicLinkLimitEnabled: true, publicLinkLimit: link.limit })
    }
  }
  private set(map: Map<string, Set<string>>, key: string): Set<string> {
    let s = map.get(key)
    if (!s) map.set(key, (s = new Set()))
    return s
  }
}

/** A processed build with nothing configured yet. */
export function validBuild(over: Partial<BuildView> = {}): BuildView {
  return {
    id: 'B1',
    buildNumber: '42',
    version: '1.2',
    platform: 'IOS',
    processingState: 'VALID',
    localizations: [],
    groupIds: [],
    testerIds: [],
    uploadErrors: [],
    ...over
  }
}
