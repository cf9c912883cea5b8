// App Store versions and review, as far as submit-to-app-store and release-to-app-store need them.
// - appStoreVersions: `appVersionState` (and the deprecated `appStoreState`, kept in step). One
//   editable or in-flight version per platform: a second one is refused (409 STATE_ERROR); a
//   versionString already used on the platform is refused (409 DUPLICATE). A new version comes with
//   the app's primary-locale localization, like Apple's. Only an editable version may be changed.
// - appStoreVersionLocalizations: one per locale and version (409 DUPLICATE); Apple's limits
//   (whatsNew and description 4,000, keywords 100, promotionalText 170 characters); What's New is
//   refused on the first version of an app for its platform (Apple's 409 STATE_ERROR "Attribute
//   'whatsNew' cannot be edited at this time").
// - appStoreReviewDetails and appStoreVersionPhasedReleases: one per version (409). A phased release
//   moves INACTIVE -> ACTIVE (on release) -> PAUSED <-> ACTIVE -> COMPLETE; other moves 409.
// - Review submissions and outcomes: app-store-review.ts.
// - appStoreVersionReleaseRequests: only for PENDING_DEVELOPER_RELEASE (409); the version becomes
//   READY_FOR_DISTRIBUTION and its phased release ACTIVE.
import { AscError } from '../errors.js'
import type { Domain, FakeAscHandle, RequestContext, Resource } from '../types.js'

export const EDITABLE = [
  'PREPARE_FOR_SUBMISSION',
  'DEVELOPER_REJECTED',
  'REJECTED',
  'METADATA_REJECTED',
  'INVALID_BINARY'
]
export const IN_FLIGHT = [
  ...EDITABLE,
  'READY_FOR_REVIEW',
  'WAITING_FOR_REVIEW',
  'IN_REVIEW',
  'WAITING_FOR_EXPORT_COMPLIANCE'
]

/** appVersionState -> the deprecated appStoreState Apple still answers beside it. */
const STORE_STATE: Record<string, string> = {
  READY_FOR_DISTRIBUTION: 'READY_FOR_SALE',
  PROCESSING_FOR_DISTRIBUTION: 'PROCESSING_FOR_APP_STORE'
}

const LIMITS: Record<string, number> = {
  whatsNew: 4000,
  description: 4000,
  keywords: 100,
  promotionalText: 170
}

type Store = FakeAscHandle['store']

export function setVersionState(store: Store, versionId: string, appVersionState: string): void {
  store.update('appStoreVersions', versionId, {
    attributes: { appVersionState, appStoreState: STORE_STATE[appVersionState] ?? appVersionState }
  })
}

export const relId = (r: Resource, rel: string): string | undefined => {
  const d = r.relationships[rel]?.data
  return d && !Array.isArray(d) ? d.id : undefined
}

export function inputRel(input: { relationships: Record<string, { data: unknown }> }, rel: string) {
  const d = input.relationships[rel]?.data as { id?: string } | null | undefined
  return d?.id
}

function versionsOf(store: Store, appId: string, platform: unknown): Resource[] {
  return store.list(
    'appStoreVersions',
    (v) => relId(v, 'app') === appId && v.attributes.platform === platform
  )
}

export function requireEditable(version: Resource | undefined, what: string): void {
  if (version && !EDITABLE.includes(String(version.attributes.appVersionState)))
    throw new AscError(
      409,
      'STATE_ERROR',
      `The version is ${String(version.attributes.appVersionState)}; ${what} needs an editable version.`
    )
}

function checkLimits(attributes: Record<string, unknown>): void {
  for (const [name, max] of Object.entries(LIMITS)) {
    const value = attributes[name]
    if (typeof value === 'string' && Array.from(value).length > max)
      throw new AscError(
        409,
        'ENTITY_ERROR.ATTRIBUTE.INVALID.TOO_LONG',
        `The value of '${name}' is longer than ${max} characters.`,
        { pointer: `/data/attributes/${name}` }
      )
  }
}

function isFirstVersion(store: Store, version: Resource): boolean {
  const appId = relId(version, 'app')
  return !versionsOf(store, appId ?? '', version.attributes.platform).some(
    (v) => v.id !== version.id
  )
}

function refuseWhatsNew(store: Store, version: Resource | undefined, attributes: object): void {
  if (version && 'whatsNew' in attributes && isFirstVersion(store, version))
    throw new AscError(
      409,
      'STATE_ERROR',
      "The request cannot be fulfilled because of the state of another resource. Attribute 'whatsNew' cannot be edited at this time",
      { pointer: '/data/attributes/whatsNew' }
    )
}

export function startPhasedRelease(fake: FakeAscHandle, version: Resource): void {
  for (const p of fake.store.related(version, 'appStoreVersionPhasedRelease'))
    if (p.attributes.phasedReleaseState === 'INACTIVE')
      fake.store.update('appStoreVersionPhasedReleases', p.id, {
        attributes: {
          phasedReleaseState: 'ACTIVE',
          startDate: new Date(fake.now()).toISOString(),
          currentDayNumber: 1,
          totalPauseDuration: 0
        }
      })
}

const PHASED_MOVES: Record<string, string[]> = {
  ACTIVE: ['PAUSED', 'COMPLETE'],
  PAUSED: ['ACTIVE', 'COMPLETE'],
  INACTIVE: [],
  COMPLETE: []
}

export function versionOfInput(
  ctx: RequestContext,
  input: { relationships: Record<string, { data: unknown }> }
) {
  const id = inputRel(input, 'appStoreVersion')
  return id ? ctx.store.get('appStoreVersions', id) : undefined
}

function oneOf(ctx: RequestContext, type: string, versionId: string | undefined, what: string) {
  if (versionId && ctx.store.list(type, (r) => relId(r, 'appStoreVersion') === versionId).length)
    throw new AscError(
      409,
      'ENTITY_ERROR.RELATIONSHIP.INVALID',
      `The version already has ${what}.`,
      {
        pointer: '/data/relationships/appStoreVersion'
      }
    )
}

export const appStoreDomain: Domain = {
  name: 'app-store',
  resources: {
    appStoreVersions: {
      beforeCreate(input, ctx) {
        const appId = inputRel(input, 'app') ?? ''
        const others = versionsOf(ctx.store, appId, input.attributes.platform)
        if (others.some((v) => v.attributes.versionString === input.attributes.versionString))
          throw new AscError(
            409,
            'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
            `A version ${String(input.attributes.versionString)} already exists for this platform.`,
            { pointer: '/data/attributes/versionString' }
          )
        const open = others.find((v) => IN_FLIGHT.includes(String(v.attributes.appVersionState)))
        if (open)
          throw new AscError(
            409,
            'STATE_ERROR',
            `You cannot create a new version of the App in the current state: version ${String(open.attributes.versionString)} is ${String(open.attributes.appVersionState)}.`
          )
        input.attributes.appVersionState = 'PREPARE_FOR_SUBMISSION'
        input.attributes.appStoreState = 'PREPARE_FOR_SUBMISSION'
        input.attributes.releaseType ??= 'AFTER_APPROVAL'
        input.attributes.reviewType ??= 'APP_STORE'
        input.attributes.downloadable = true
        input.attributes.createdDate = new Date(ctx.now).toISOString()
      },
      afterCreate(version, ctx) {
        const app = ctx.store.get('apps', relId(version, 'app') ?? '')
        ctx.store.create(
          'appStoreVersionLocalizations',
          { locale: app?.attributes.primaryLocale ?? 'en-US' },
          { appStoreVersion: { type: 'appStoreVersions', id: version.id } }
        )
      },
      beforeUpdate(version, changes, ctx) {
        requireEditable(version, 'a change')
        const v = changes.attributes.versionString
        if (v !== undefined && v !== version.attributes.versionString) {
          const appId = relId(version, 'app') ?? ''
          if (
            versionsOf(ctx.store, appId, version.attributes.platform).some(
              (o) => o.attributes.versionString === v
            )
          )
            throw new AscError(
              409,
              'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
              `A version ${String(v)} already exists for this platform.`,
              { pointer: '/data/attributes/versionString' }
            )
        }
        const buildId = (changes.relationships.build?.data as { id?: string } | null)?.id
        const build = buildId ? ctx.store.get('builds', buildId) : undefined
        if (build && build.attributes.processingState !== 'VALID')
          throw new AscError(409, 'ENTITY_ERROR.RELATIONSHIP.INVALID', 'The build is not VALID.', {
            pointer: '/data/relationships/build'
          })
      }
    },
    appStoreVersionLocalizations: {
      beforeCreate(input, ctx) {
        const version = versionOfInput(ctx, input)
        requireEditable(version, 'a localization')
        const locale = input.attributes.locale
        if (
          version &&
          ctx.store
            .list('appStoreVersionLocalizations', (l) => relId(l, 'appStoreVersion') === version.id)
            .some((l) => l.attributes.locale === locale)
        )
          throw new AscError(
            409,
            'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
            `A localization for ${String(locale)} already exists for this version.`,
            { pointer: '/data/attributes/locale' }
          )
        checkLimits(input.attributes)
        refuseWhatsNew(ctx.store, version, input.attributes)
      },
      beforeUpdate(localization, changes, ctx) {
        const version = ctx.store.get(
          'appStoreVersions',
          relId(localization, 'appStoreVersion') ?? ''
        )
        requireEditable(version, 'a localization change')
        checkLimits(changes.attributes)
        refuseWhatsNew(ctx.store, version, changes.attributes)
      }
    },
    appStoreReviewDetails: {
      beforeCreate(input, ctx) {
        oneOf(ctx, 'appStoreReviewDetails', inputRel(input, 'appStoreVersion'), 'review details')
      }
    },
    appStoreVersionPhasedReleases: {
      beforeCreate(input, ctx) {
        const version = versionOfInput(ctx, input)
        requireEditable(version, 'a phased release')
        oneOf(ctx, 'appStoreVersionPhasedReleases', version?.id, 'a phased release')
        input.attributes.phasedReleaseState = 'INACTIVE'
      },
      beforeUpdate(phased, changes) {
        const to = changes.attributes.phasedReleaseState
        if (to === undefined || to === phased.attributes.phasedReleaseState) return
        const from = String(phased.attributes.phasedReleaseState)
        if (!PHASED_MOVES[from]?.includes(String(to)))
          throw new AscError(
            409,
            'STATE_ERROR',
            `A phased release that is ${from} cannot become ${String(to)}.`,
            { pointer: '/data/attributes/phasedReleaseState' }
          )
      },
      beforeDelete(phased, ctx) {
        const version = ctx.store.get('appStoreVersions', relId(phased, 'appStoreVersion') ?? '')
        requireEditable(version, 'removing the phased release')
      }
    },
    appStoreVersionReleaseRequests: {
      beforeCreate(input, ctx) {
        const version = versionOfInput(ctx, input)
        if (version && version.attributes.appVersionState !== 'PENDING_DEVELOPER_RELEASE')
          throw new AscError(
            409,
            'STATE_ERROR',
            `The version is ${String(version.attributes.appVersionState)}; only a version pending developer release can be released.`
          )
      },
      afterCreate(request, ctx) {
        const version = ctx.store.must('appStoreVersions', relId(request, 'appStoreVersion') ?? '')
        setVersionState(ctx.store, version.id, 'READY_FOR_DISTRIBUTION')
        startPhasedRelease(ctx.fake, version)
      }
    }
  }
}

/** Seeds an App Store version of an app (with its primary-locale localization). */
export function seedVersion(
  fake: FakeAscHandle,
  appId: string,
  o: {
    versionString: string
    platform?: string
    state?: string
    buildId?: string
    releaseType?: string
    locales?: Record<string, Record<string, unknown>>
  }
): Resource {
  const appStoreState = STORE_STATE[o.state ?? ''] ?? o.state ?? 'PREPARE_FOR_SUBMISSION'
  const version = fake.store.create(
    'appStoreVersions',
    {
      platform: o.platform ?? 'IOS',
      versionString: o.versionString,
      appVersionState: o.state ?? 'PREPARE_FOR_SUBMISSION',
      appStoreState,
      releaseType: o.releaseType ?? 'AFTER_APPROVAL',
      reviewType: 'APP_STORE',
      downloadable: true,
      createdDate: new Date(fake.now()).toISOString()
    },
    {
      app: { type: 'apps', id: appId },
      ...(o.buildId ? { build: { type: 'builds', id: o.buildId } } : {})
    }
  )
  const app = fake.store.get('apps', appId)
  const locales = o.locales ?? { [String(app?.attributes.primaryLocale ?? 'en-US')]: {} }
  for (const [locale, attributes] of Object.entries(locales))
    fake.store.create(
      'appStoreVersionLocalizations',
      { locale, ...attributes },
      { appStoreVersion: { type: 'appStoreVersions', id: version.id } }
    )
  return version
}
