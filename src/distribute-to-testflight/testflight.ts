import type { AscClient } from '#shared/asc/client.js'
import { ApiError } from '#shared/asc/errors.js'
import type { Document, Resource } from '#shared/asc/types.js'
import { mapLimit } from '#shared/concurrency.js'
import { ConfigurationError } from '#shared/errors.js'
import type { BuildView } from './builds.js'
import { matchGroup, resolveGroups, type BetaGroupInfo } from './groups.js'
import type { Plan, Tester, Wanted } from './plan.js'
import type { DistributeSettings } from './settings.js'

const GROUP_FIELDS = [
  'name',
  'isInternalGroup',
  'publicLinkEnabled',
  'publicLinkLimitEnabled',
  'publicLinkLimit',
  'publicLink'
]

function toGroup(r: Resource): BetaGroupInfo {
  const a = r.attributes ?? {}
  return {
    id: r.id,
    name: String(a.name ?? ''),
    isInternal: a.isInternalGroup === true,
    publicLinkEnabled: a.publicLinkEnabled as boolean | undefined,
    publicLinkLimitEnabled: a.publicLinkLimitEnabled as boolean | undefined,
    publicLinkLimit: a.publicLinkLimit as number | undefined,
    publicLink: a.publicLink as string | undefined
  }
}

/**
 * Reads everything the inputs name (groups, the public link group, testers) and resolves it, so a
 * wrong name fails before anything is changed. One request for the app's groups, one for testers.
 */
export async function preflight(
  client: AscClient,
  appId: string,
  settings: DistributeSettings
): Promise<Wanted> {
  let groups: BetaGroupInfo[] = []
  let publicLink: Wanted['publicLink']
  if (settings.groups.length || settings.publicLinkGroup) {
    const { data } = await client.all('/v1/betaGroups', {
      'filter[app]': [appId],
      'fields[betaGroups]': GROUP_FIELDS
    })
    const all = data.map(toGroup)
    groups = resolveGroups(settings.groups, all)
    if (settings.publicLinkGroup) {
      let group: BetaGroupInfo | undefined
      try {
        group = matchGroup(settings.publicLinkGroup, all)
      } catch (e) {
        throw new ConfigurationError(
          (e as Error).message.replace(/^Input 'groups': /, ''),
          'public-link-group'
        )
      }
      if (group?.isInternal)
        throw new ConfigurationError(
          `'${group.name}' is an internal group; public links exist only for external groups. Name an external group (it is created when missing).`,
          'public-link-group'
        )
      publicLink = { name: settings.publicLinkGroup, group, limit: settings.publicLinkLimit }
    }
  }
  let testers: Tester[] = []
  if (settings.testers.length) {
    const { data } = await client.all('/v1/betaTesters', {
      'filter[email]': settings.testers,
      'filter[apps]': [appId],
      'fields[betaTesters]': ['email']
    })
    const byEmail = new Map(
      data.map((r) => [String(r.attributes?.email ?? '').toLowerCase(), r.id])
    )
    const missing = settings.testers.filter((e) => !byEmail.has(e.toLowerCase()))
    if (missing.length)
      throw new ConfigurationError(
        `${missing.map((m) => `'${m}'`).join(', ')} ${missing.length > 1 ? 'are not testers' : 'is not a tester'} of this app. Nothing was changed; invite them to a beta group first (App Store Connect > TestFlight), or remove them from testers.`,
        'testers'
      )
    testers = settings.testers.map((email) => ({ email, id: byEmail.get(email.toLowerCase())! }))
  }
  return {
    usesNonExemptEncryption: settings.usesNonExemptEncryption,
    whatToTest: settings.whatToTest,
    groups,
    testers,
    submitForReview: settings.submitForReview,
    notifyTesters: settings.notifyTesters,
    publicLink
  }
}

export interface ApplyResult {
  complianceSet: boolean
  localizations: Array<{ locale: string; action: 'created' | 'updated' | 'unchanged' }>
  groupsAdded: string[]
  groupsAlready: string[]
  testersAdded: string[]
  testersAlready: string[]
  reviewState?: string
  reviewSubmitted: boolean
  notified?: 'sent' | 'automatic' | 'already'
  publicLink?: string
  publicLinkGroup?: string
  notes: string[]
}

const buildRef = (id: string) => ({ data: { type: 'builds', id } })

/** Carries out a plan. Creates recover lost answers by reading; relationship adds are idempotent. */
export async function applyPlan(
  client: AscClient,
  appId: string,
  build: BuildView,
  plan: Plan
): Promise<ApplyResult> {
  const notes = [...plan.notes]
  const path = `/v1/builds/${encodeURIComponent(build.id)}`

  if (plan.compliance !== undefined)
    await client.patch(path, {
      data: {
        type: 'builds',
        id: build.id,
        attributes: { usesNonExemptEncryption: plan.compliance }
      }
    })

  const localizations: ApplyResult['localizations'] = plan.unchangedLocales.map((locale) => ({
    locale,
    action: 'unchanged' as const
  }))
  const changed = await mapLimit(plan.localizations, 4, async (change) => {
    if (change.id) {
      await client.patch(`/v1/betaBuildLocalizations/${encodeURIComponent(change.id)}`, {
        data: {
          type: 'betaBuildLocalizations',
          id: change.id,
          attributes: { whatsNew: change.text }
        }
      })
      return { locale: change.locale, action: 'updated' as const }
    }
    const find = async () => {
      const { data } = await client.all('/v1/betaBuildLocalizations', {
        'filter[build]': [build.id],
        'filter[locale]': [change.locale],
        'fields[betaBuildLocalizations]': ['locale', 'whatsNew']
      })
      const found = data.find(
        (l) => String(l.attributes?.locale).toLowerCase() === change.locale.toLowerCase()
      )
      return found ? { data: found } : undefined
    }
    try {
      const created = await client.post<Document<Resource>>(
        '/v1/betaBuildLocalizations',
        {
          data: {
            type: 'betaBuildLocalizations',
            attributes: { locale: change.locale, whatsNew: change.text },
            relationships: { build: buildRef(build.id) }
          }
        },
        { recover: find }
      )
      if (
        created.data.attributes?.whatsNew !== undefined &&
        created.data.attributes.whatsNew !== change.text
      )
        throw new Error('recovered localization differs')
      return { locale: change.locale, action: 'created' as const }
    } catch (e) {
      // Made meanwhile (or by a lost answer whose recovery found different notes): update it.
      const conflict = e instanceof ApiError && e.status === 409
      if (!conflict && !(e instanceof Error && e.message === 'recovered localization differs'))
        throw e
      const existing = await find()
      if (!existing) throw e
      await client.patch(`/v1/betaBuildLocalizations/${encodeURIComponent(existing.data.id)}`, {
        data: {
          type: 'betaBuildLocalizations',
          id: existing.data.id,
          attributes: { whatsNew: change.text }
        }
      })
      return { locale: change.locale, action: 'updated' as const }
    }
  })
  localizations.push(...changed)

  if (plan.addGroups.length)
    await client.post(
      `${path}/relationships/betaGroups`,
      { data: plan.addGroups.map((g) => ({ type: 'betaGroups', id: g.id })) },
      { idempotent: true }
    )

  let publicLink: string | undefined
  let publicLinkGroup: string | undefined
  if (plan.publicLink) {
    const pl = plan.publicLink
    if (pl.action === 'create') {
      const attributes: Record<string, unknown> = {
        name: pl.name,
        isInternalGroup: false,
        publicLinkEnabled: true
      }
      if (pl.limit !== undefined)
        Object.assign(attributes, { publicLinkLimitEnabled: true, publicLinkLimit: pl.limit })
      const doc = await client.post<Document<Resource>>(
        '/v1/betaGroups',
        {
          data: {
            type: 'betaGroups',
            attributes,
            relationships: {
              app: { data: { type: 'apps', id: appId } },
              builds: { data: [{ type: 'builds', id: build.id }] }
            }
          }
        },
        {
          recover: async () => {
            const { data } = await client.all('/v1/betaGroups', {
              'filter[app]': [appId],
              'filter[name]': [pl.name],
              'fields[betaGroups]': GROUP_FIELDS
            })
            const found = data.find((g) => g.attributes?.name === pl.name)
            return found ? { data: found } : undefined
          }
        }
      )
      const group = toGroup(doc.data)
      publicLinkGroup = group.name
      publicLink = group.publicLink ?? (await readLink(client, group.id))
      notes.push(`Created the external group '${group.name}' with a public link.`)
    } else {
      publicLinkGroup = pl.group.name
      if (pl.action === 'update') {
        const attributes: Record<string, unknown> = { publicLinkEnabled: true }
        if (pl.limit !== undefined)
          Object.assign(attributes, { publicLinkLimitEnabled: true, publicLinkLimit: pl.limit })
        const doc = await client.patch<Document<Resource>>(
          `/v1/betaGroups/${encodeURIComponent(pl.group.id)}`,
          {
            data: { type: 'betaGroups', id: pl.group.id, attributes }
          }
        )
        publicLink = toGroup(doc.data).publicLink ?? (await readLink(client, pl.group.id))
      } else publicLink = pl.group.publicLink ?? (await readLink(client, pl.group.id))
    }
  }

  if (plan.addTesters.length)
    await client.post(
      `${path}/relationships/individualTesters`,
      { data: plan.addTesters.map((t) => ({ type: 'betaTesters', id: t.id })) },
      { idempotent: true }
    )

  let reviewState = build.reviewSubmission?.state
  let reviewSubmitted = false
  if (plan.review === 'submit') {
    const existing = async () => {
      const doc = await client
        .get<Document<Resource>>(`${path}/betaAppReviewSubmission`, {
          'fields[betaAppReviewSubmissions]': ['betaReviewState']
        })
        .catch((e: unknown) => {
          if (e instanceof ApiError && e.status === 404)
            return { data: null as unknown as Resource }
          throw e
        })
      return (doc.data as Resource | null) ? { data: doc.data } : undefined
    }
    try {
      const doc = await client.post<Document<Resource>>(
        '/v1/betaAppReviewSubmissions',
        {
          data: { type: 'betaAppReviewSubmissions', relationships: { build: buildRef(build.id) } }
        },
        { recover: existing }
      )
      reviewState = doc.data.attributes?.betaReviewState as string | undefined
      reviewSubmitted = true
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 409)) throw e
      const found = await existing().catch(() => undefined)
      if (!found) throw e
      reviewState = found.data.attributes?.betaReviewState as string | undefined
      notes.push(
        `Already submitted for beta review (${reviewState ?? 'state unknown'}); not submitted again.`
      )
    }
  }

  let notified: ApplyResult['notified']
  if (plan.notify === 'auto') notified = 'automatic'
  if (plan.notify === 'send') {
    try {
      await client.post(
        '/v1/buildBetaNotifications',
        { data: { type: 'buildBetaNotifications', relationships: { build: buildRef(build.id) } } },
        { idempotent: true }
      )
      notified = 'sent'
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 409)) throw e
      notified = 'already'
      notes.push(
        `App Store Connect did not send a new notification: ${e.errors[0]?.detail ?? 'testers were already notified of this build'}.`
      )
    }
  }

  return {
    complianceSet: plan.compliance !== undefined,
    localizations,
    groupsAdded: plan.addGroups.map((g) => g.name),
    groupsAlready: plan.groupsAlready.map((g) => g.name),
    testersAdded: plan.addTesters.map((t) => t.email),
    testersAlready: plan.testersAlready.map((t) => t.email),
    reviewState,
    reviewSubmitted,
    notified,
    publicLink,
    publicLinkGroup,
    notes
  }
}

async function readLink(client: AscClient, groupId: string): Promise<string | undefined> {
  const doc = await client.get<Document<Resource>>(
    `/v1/betaGroups/${encodeURIComponent(groupId)}`,
    {
      'fields[betaGroups]': ['publicLink']
    }
  )
  return doc.data.attributes?.publicLink as string | undefined
}
