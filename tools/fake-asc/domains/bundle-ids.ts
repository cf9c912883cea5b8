// Bundle IDs and their capabilities, and the relationship paging Apple really sends.
// - POST /v1/bundleIds: an identifier the team has (any case) is refused with 409, like Apple ("An
//   App ID with Identifier '…' is not available"); a name with anything but letters, digits and
//   spaces is refused with 409 ENTITY_ERROR.ATTRIBUTE.INVALID; seedId defaults to TEAM123456.
// - POST /v1/bundleIdCapabilities: the bundle ID must exist; a capability type it already has is
//   refused with 409. Enabling one turns every profile of the bundle ID INVALID, as Apple does.
// - GET /v1/bundleIds and GET /v1/profiles answer every included to-many relationship with
//   `"meta": {"paging": {"total": 0, "limit": 2147483647}}` whatever it holds: recorded from Apple
//   (issue 16.2), so clients must not trust it. `bundleIdsState(fake).honestRelationshipPaging`
//   turns it off (no meta, the engine's shape).
import { AscError } from '../errors.js'
import type { Domain, FakeAscHandle, Reply, RequestContext } from '../types.js'

export interface BundleIdsState {
  /** Leave included relationships without Apple's untrustworthy `meta.paging`. Default false. */
  honestRelationshipPaging: boolean
}

export function bundleIdsState(fake: { state: Record<string, unknown> }): BundleIdsState {
  return (fake.state.bundleIds ??= { honestRelationshipPaging: false }) as BundleIdsState
}

/** What Apple sends on included relationships, whatever they hold. */
const APPLE_RELATIONSHIP_PAGING = { paging: { total: 0, limit: 2147483647 } }

function withApplePaging(reply: Reply, fake: FakeAscHandle): Reply {
  if (bundleIdsState(fake).honestRelationshipPaging || reply.status !== 200) return reply
  const doc = reply.json as {
    data?: Array<{ relationships?: Record<string, { data?: unknown; meta?: unknown }> }>
  }
  for (const r of doc.data ?? [])
    for (const rel of Object.values(r.relationships ?? {}))
      if (Array.isArray(rel.data)) rel.meta = APPLE_RELATIONSHIP_PAGING
  return reply
}

function listing(type: string) {
  return (ctx: RequestContext): Reply =>
    withApplePaging(ctx.fake.collectionReply(ctx, ctx.store.list(type)), ctx.fake)
}

function refuse(pointer: string, detail: string, code = 'ENTITY_ERROR.ATTRIBUTE.INVALID'): never {
  throw new AscError(409, code, detail, { pointer })
}

export const bundleIdsDomain: Domain = {
  name: 'bundle-ids',
  setup(fake) {
    bundleIdsState(fake)
  },
  resources: {
    bundleIds: {
      beforeCreate(input, ctx) {
        const identifier = String(input.attributes.identifier ?? '')
        const name = String(input.attributes.name ?? '')
        if (
          ctx.store
            .list('bundleIds')
            .some(
              (b) =>
                String(b.attributes.identifier ?? '').toLowerCase() === identifier.toLowerCase()
            )
        )
          refuse(
            '/data/attributes/identifier',
            `An App ID with Identifier '${identifier}' is not available. Please enter a different string.`
          )
        if (!/^[A-Za-z0-9 ]+$/.test(name))
          refuse(
            '/data/attributes/name',
            `The name '${name}' has invalid characters: use letters, digits and spaces.`
          )
        input.attributes.seedId ??= 'TEAM123456'
      }
    },
    bundleIdCapabilities: {
      beforeCreate(input, ctx) {
        const link = input.relationships.bundleId?.data
        const target = Array.isArray(link) ? link[0] : link
        const bundle = target && ctx.store.get('bundleIds', target.id)
        if (!bundle)
          refuse(
            '/data/relationships/bundleId',
            'There is no bundle ID with this id.',
            'ENTITY_ERROR.RELATIONSHIP.INVALID'
          )
        const type = String(input.attributes.capabilityType ?? '')
        const has = ctx.store
          .related(bundle, 'bundleIdCapabilities', 'bundleIdCapabilities')
          .some((c) => c.attributes.capabilityType === type)
        if (has)
          refuse(
            '/data/attributes/capabilityType',
            `The capability ${type} is already enabled on this bundle ID.`
          )
      },
      afterCreate(capability, ctx) {
        const [link] = ctx.store.relatedIds(capability, 'bundleId')
        if (!link) return
        for (const p of ctx.store.list('profiles'))
          if (ctx.store.relatedIds(p, 'bundleId')[0]?.id === link.id)
            ctx.store.update('profiles', p.id, { attributes: { profileState: 'INVALID' } })
      }
    }
  },
  routes: [
    { method: 'GET', path: '/v1/bundleIds', handle: listing('bundleIds') },
    { method: 'GET', path: '/v1/profiles', handle: listing('profiles') }
  ]
}
