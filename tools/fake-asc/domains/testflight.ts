// TestFlight behaviour, as far as distribute-to-testflight needs it:
// - Builds process: a build whose processing is scripted (scriptProcessing) stays PROCESSING for N
//   reads of /v1/builds… and then becomes VALID, FAILED or INVALID — or never changes.
// - `filter[version]` on builds matches loosely (a prefix), like Apple: clients must compare.
// - Adding a build to beta groups, or submitting it for review, needs a VALID build (409 STATE_ERROR).
// - betaBuildLocalizations: one per locale and build (409 DUPLICATE), whatsNew at most 4,000
//   characters and without `<` or `>` (409 INVALID).
// - betaAppReviewSubmissions: one per build (409 STATE_ERROR for a second), WAITING_FOR_REVIEW.
// - buildBetaNotifications: refused with 409 STATE_ERROR when auto-notify is on or testers were
//   already notified of the build.
// - betaBuildLocalizations are accepted while the build is still PROCESSING (as Apple does).
// - betaGroups: like Apple, a second group of the same name is accepted (two runs racing can make
//   two); `testflightSettings(fake).uniqueGroupNames = true` refuses it with 409 DUPLICATE instead.
//   A public link (publicLinkId, publicLink) appears when publicLinkEnabled; internal groups cannot
//   have one (409). An internal group with hasAccessToAllBuilds: true (the default for a new internal
//   group) gets every build by itself and refuses being given one: 422 ENTITY_UNPROCESSABLE
//   "Builds cannot be assigned to this internal group." (from either side of the relationship).
import { AscError } from '../errors.js'
import type { Domain, FakeAscHandle, RequestContext, Resource } from '../types.js'

export interface ProcessingScript {
  /** Reads of the build (under /v1/builds) before it changes; Infinity: never. */
  after: number
  then: 'VALID' | 'FAILED' | 'INVALID'
  reads: number
}

interface TestflightState {
  scripts: Map<string, ProcessingScript>
  notified: Set<string>
  settings: TestflightSettings
}

export interface TestflightSettings {
  /** Refuse a second beta group of the same name in an app (409), which Apple does not do. */
  uniqueGroupNames: boolean
}

function state(fake: FakeAscHandle): TestflightState {
  return (fake.state.testflight ??= {
    scripts: new Map(),
    notified: new Set(),
    settings: { uniqueGroupNames: false }
  }) as TestflightState
}

/** The TestFlight domain's switches for this fake. */
export function testflightSettings(fake: FakeAscHandle): TestflightSettings {
  return state(fake).settings
}

/** Apple's answer to giving a build to an internal group that has every build. */
function refuseAllBuildsGroup(group: Resource | undefined): void {
  if (group?.attributes.isInternalGroup === true && group.attributes.hasAccessToAllBuilds === true)
    throw new AscError(
      422,
      'ENTITY_UNPROCESSABLE',
      'Builds cannot be assigned to this internal group.'
    )
}

/** Makes a build PROCESSING until it has been read `after` times, then `then` (default VALID). */
export function scriptProcessing(
  fake: FakeAscHandle,
  buildId: string,
  script: { after: number; then?: ProcessingScript['then'] } | 'never'
): void {
  const s =
    script === 'never'
      ? { after: Infinity, then: 'VALID' as const }
      : { after: script.after, then: script.then ?? 'VALID' }
  fake.store.update('builds', buildId, { attributes: { processingState: 'PROCESSING' } })
  state(fake).scripts.set(buildId, { ...s, reads: 0 })
}

/** Builds whose notification was sent. */
export function notifiedBuilds(fake: FakeAscHandle): string[] {
  return [...state(fake).notified]
}

function buildOf(
  ctx: RequestContext,
  rel: Record<string, { data?: unknown }>
): Resource | undefined {
  const data = rel.build?.data as { id?: string } | undefined
  return data?.id ? ctx.store.get('builds', data.id) : undefined
}

function requireValid(build: Resource | undefined, what: string): void {
  if (build && build.attributes.processingState !== 'VALID')
    throw new AscError(
      409,
      'STATE_ERROR',
      `The build is ${build.attributes.processingState ?? 'PROCESSING'}; ${what} needs a VALID build.`
    )
}

function checkWhatsNew(text: unknown): void {
  if (typeof text !== 'string') return
  if (Array.from(text).length > 4000)
    throw new AscError(
      409,
      'ENTITY_ERROR.ATTRIBUTE.INVALID.TOO_LONG',
      'What to Test may have at most 4000 characters.',
      {
        pointer: '/data/attributes/whatsNew'
      }
    )
  if (/[<>]/.test(text))
    throw new AscError(
      409,
      'ENTITY_ERROR.ATTRIBUTE.INVALID',
      'What to Test contains invalid characters.',
      {
        pointer: '/data/attributes/whatsNew'
      }
    )
}

const linkId = (id: string) => id.replace(/[^A-Za-z0-9]/g, '').slice(0, 8)

export const testflightDomain: Domain = {
  name: 'testflight',
  resources: {
    builds: {
      read(view, ctx) {
        const script = state(ctx.fake).scripts.get(view.id)
        if (!script || ctx.method !== 'GET' || !ctx.path.startsWith('/v1/builds')) return
        script.reads++
        if (script.reads > script.after) {
          ctx.store.update('builds', view.id, { attributes: { processingState: script.then } })
          view.attributes.processingState = script.then
          state(ctx.fake).scripts.delete(view.id)
        }
      },
      filters: {
        version: (view, values) =>
          values.some((v) => String(view.attributes.version ?? '').startsWith(v))
      },
      beforeRelationshipChange(owner, rel, action, targets, ctx) {
        if (rel !== 'betaGroups' || action !== 'add') return
        requireValid(owner, 'adding it to a group')
        for (const t of targets ?? []) refuseAllBuildsGroup(ctx.store.get('betaGroups', t.id))
      }
    },
    betaGroups: {
      beforeCreate(input, ctx) {
        const appId = (input.relationships.app?.data as { id?: string } | null)?.id
        const name = String(input.attributes.name ?? '')
        const clash = ctx.store
          .list('betaGroups')
          .find(
            (g) => g.attributes.name === name && ctx.store.relatedIds(g, 'app')[0]?.id === appId
          )
        if (clash && state(ctx.fake).settings.uniqueGroupNames)
          throw new AscError(
            409,
            'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
            `A group named '${name}' already exists.`,
            {
              pointer: '/data/attributes/name'
            }
          )
        if (
          input.attributes.isInternalGroup === true &&
          input.attributes.publicLinkEnabled === true
        )
          throw new AscError(
            409,
            'ENTITY_ERROR.ATTRIBUTE.INVALID',
            'Internal groups cannot have a public link.'
          )
        input.attributes.isInternalGroup ??= false
        input.attributes.hasAccessToAllBuilds ??= input.attributes.isInternalGroup === true
        input.attributes.createdDate = new Date(ctx.now).toISOString()
        input.id ??= ctx.store.newId('betaGroups')
        if (input.attributes.publicLinkEnabled) {
          input.attributes.publicLinkId = linkId(input.id)
          input.attributes.publicLink = `https://testflight.apple.com/join/${linkId(input.id)}`
        }
        const builds = input.relationships.builds?.data
        if (Array.isArray(builds))
          for (const b of builds)
            requireValid(ctx.store.get('builds', b.id), 'adding it to a group')
      },
      beforeUpdate(group, changes) {
        if (changes.attributes.publicLinkEnabled === true) {
          if (group.attributes.isInternalGroup)
            throw new AscError(
              409,
              'ENTITY_ERROR.ATTRIBUTE.INVALID',
              'Internal groups cannot have a public link.'
            )
          changes.attributes.publicLinkId ??= group.attributes.publicLinkId ?? linkId(group.id)
          changes.attributes.publicLink ??= `https://testflight.apple.com/join/${changes.attributes.publicLinkId}`
        }
      },
      beforeRelationshipChange(owner, rel, action, targets, ctx) {
        if (rel !== 'builds' || action !== 'add') return
        refuseAllBuildsGroup(owner)
        for (const t of targets ?? [])
          requireValid(ctx.store.get('builds', t.id), 'adding it to a group')
      }
    },
    betaBuildLocalizations: {
      beforeCreate(input, ctx) {
        const build = buildOf(ctx, input.relationships as Record<string, { data?: unknown }>)
        const locale = String(input.attributes.locale ?? '')
        if (
          build &&
          ctx.store
            .related(build, 'betaBuildLocalizations')
            .some((l) => l.attributes.locale === locale)
        )
          throw new AscError(
            409,
            'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
            `A localization for ${locale} already exists for this build.`,
            { pointer: '/data/attributes/locale' }
          )
        checkWhatsNew(input.attributes.whatsNew)
      },
      beforeUpdate(_l, changes) {
        checkWhatsNew(changes.attributes.whatsNew)
      }
    },
    betaAppReviewSubmissions: {
      beforeCreate(input, ctx) {
        const build = buildOf(ctx, input.relationships as Record<string, { data?: unknown }>)
        requireValid(build, 'beta review')
        if (build && ctx.store.related(build, 'betaAppReviewSubmission').length)
          throw new AscError(
            409,
            'STATE_ERROR',
            'This build has already been submitted for beta review.'
          )
        input.attributes.betaReviewState = 'WAITING_FOR_REVIEW'
        input.attributes.submittedDate = new Date(ctx.now).toISOString()
      },
      afterCreate(resource, ctx) {
        const build = buildOf(ctx, resource.relationships as Record<string, { data?: unknown }>)
        if (build)
          ctx.store.update('builds', build.id, {
            relationships: {
              betaAppReviewSubmission: { type: 'betaAppReviewSubmissions', id: resource.id }
            }
          })
        for (const d of build ? ctx.store.related(build, 'buildBetaDetail') : [])
          ctx.store.update('buildBetaDetails', d.id, {
            attributes: { externalBuildState: 'WAITING_FOR_BETA_REVIEW' }
          })
      }
    },
    buildBetaNotifications: {
      beforeCreate(input, ctx) {
        const build = buildOf(ctx, input.relationships as Record<string, { data?: unknown }>)
        if (!build) return
        requireValid(build, 'a notification')
        const detail = ctx.store.related(build, 'buildBetaDetail')[0]
        if (detail?.attributes.autoNotifyEnabled === true)
          throw new AscError(
            409,
            'STATE_ERROR',
            'Testers are notified automatically of this build (auto-notify is on).'
          )
        if (state(ctx.fake).notified.has(build.id))
          throw new AscError(
            409,
            'STATE_ERROR',
            'Testers have already been notified of this build.'
          )
      },
      afterCreate(resource, ctx) {
        const build = buildOf(ctx, resource.relationships as Record<string, { data?: unknown }>)
        if (build) state(ctx.fake).notified.add(build.id)
      }
    }
  }
}

/** Seeds a build of an app (with its pre-release version and beta detail). */
export function seedBuild(
  fake: FakeAscHandle,
  appId: string,
  o: {
    version: string
    buildNumber: string
    platform?: string
    processingState?: string
    usesNonExemptEncryption?: boolean | null
    autoNotifyEnabled?: boolean
  }
): Resource {
  const platform = o.platform ?? 'IOS'
  const pre =
    fake.store
      .list('preReleaseVersions')
      .find(
        (p) =>
          p.attributes.version === o.version &&
          p.attributes.platform === platform &&
          fake.store.relatedIds(p, 'app')[0]?.id === appId
      ) ??
    fake.store.create(
      'preReleaseVersions',
      { version: o.version, platform },
      { app: { type: 'apps', id: appId } }
    )
  const build = fake.store.create(
    'builds',
    {
      version: o.buildNumber,
      processingState: o.processingState ?? 'VALID',
      uploadedDate: new Date(fake.now()).toISOString(),
      expired: false,
      usesNonExemptEncryption: o.usesNonExemptEncryption ?? null
    },
    {
      app: { type: 'apps', id: appId },
      preReleaseVersion: { type: 'preReleaseVersions', id: pre.id }
    }
  )
  const detail = fake.store.create(
    'buildBetaDetails',
    {
      autoNotifyEnabled: o.autoNotifyEnabled ?? false,
      internalBuildState: 'READY_FOR_BETA_TESTING',
      externalBuildState: 'READY_FOR_BETA_SUBMISSION'
    },
    { build: { type: 'builds', id: build.id } }
  )
  fake.store.update('builds', build.id, {
    relationships: { buildBetaDetail: { type: 'buildBetaDetails', id: detail.id } }
  })
  return build
}
