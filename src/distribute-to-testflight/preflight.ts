import { ConfigurationError } from '#shared/errors.js'
import { matchGroup, resolveGroups, type BetaGroupInfo } from './groups.js'
import type { Tester, Wanted } from './plan.js'
import type { DistributeSettings } from './settings.js'
import type { TestFlightApi } from './testflight-api.js'

/** What the inputs ask to do with the build, before any name is resolved (no credentials). */
export type DistributionRequest = Pick<
  DistributeSettings,
  | 'usesNonExemptEncryption'
  | 'whatToTest'
  | 'groups'
  | 'testers'
  | 'submitForReview'
  | 'notifyTesters'
  | 'publicLinkGroup'
  | 'publicLinkLimit'
>

/** The public link group, found among the app's groups, or to be created (it must be external). */
function publicLinkGroup(name: string, groups: BetaGroupInfo[]): BetaGroupInfo | undefined {
  let group: BetaGroupInfo | undefined
  try {
    group = matchGroup(name, groups)
  } catch (e) {
    if (!(e instanceof ConfigurationError)) throw e
    throw new ConfigurationError(e.message.replace(/^Input 'groups': /, ''), 'public-link-group')
  }
  if (group?.isInternal)
    throw new ConfigurationError(
      `'${group.name}' is an internal group; public links exist only for external groups. Name an external group (it is created when missing).`,
      'public-link-group'
    )
  return group
}

/** Every requested tester, by e-mail (case-insensitive); any that is not a tester of the app is an error. */
async function resolveTesters(
  api: TestFlightApi,
  appId: string,
  emails: string[]
): Promise<Tester[]> {
  const byEmail = new Map(
    (await api.testers(appId, emails)).map((t) => [t.email.toLowerCase(), t.id])
  )
  const missing = emails.filter((e) => !byEmail.has(e.toLowerCase()))
  if (missing.length)
    throw new ConfigurationError(
      `${missing.map((m) => `'${m}'`).join(', ')} ${missing.length > 1 ? 'are not testers' : 'is not a tester'} of this app. Nothing was changed; invite them to a beta group first (App Store Connect > TestFlight), or remove them from testers.`,
      'testers'
    )
  return emails.map((email) => ({ email, id: byEmail.get(email.toLowerCase())! }))
}

/**
 * Reads everything the inputs name (groups, the public link group, testers) and resolves it, so a
 * wrong name fails before anything is changed. One request for the app's groups, one for testers.
 */
export async function preflight(
  api: TestFlightApi,
  appId: string,
  request: DistributionRequest
): Promise<Wanted> {
  let groups: BetaGroupInfo[] = []
  let publicLink: Wanted['publicLink']
  if (request.groups.length || request.publicLinkGroup) {
    const all = await api.betaGroups(appId)
    groups = resolveGroups(request.groups, all)
    if (request.publicLinkGroup)
      publicLink = {
        name: request.publicLinkGroup,
        group: publicLinkGroup(request.publicLinkGroup, all),
        limit: request.publicLinkLimit
      }
  }
  const testers = request.testers.length ? await resolveTesters(api, appId, request.testers) : []
  return {
    usesNonExemptEncryption: request.usesNonExemptEncryption,
    whatToTest: request.whatToTest,
    groups,
    testers,
    submitForReview: request.submitForReview,
    notifyTesters: request.notifyTesters,
    publicLink
  }
}
