// Build expiry (PATCH /v1/builds/{id} with `expired`), as far as expire-builds needs it. Kept
// minimal: distribute-to-testflight's domain (testflight.ts) owns processing and beta behaviour.
// - Every build reads `expired: false` unless it was expired (Apple always returns the attribute).
// - `expired: true` on a build that is already expired, or still processing, is refused with
//   409 STATE_ERROR (our choice: Apple does not document it; a client must tell "already done"
//   from "refused" by reading the build again, which is what expire-builds does).
// - `expired: false` on an expired build is refused with 409 STATE_ERROR: expiry cannot be undone.
// - Expiring sets `expirationDate` to now and the build's beta detail states to EXPIRED.
import { AscError } from '../errors.js'
import type { Domain } from '../types.js'

export const buildsDomain: Domain = {
  name: 'builds',
  resources: {
    builds: {
      read(view) {
        view.attributes.expired ??= false
      },
      beforeUpdate(build, changes, ctx) {
        if (!('expired' in changes.attributes)) return
        const expired = build.attributes.expired === true
        if (changes.attributes.expired === false && expired)
          throw new AscError(
            409,
            'STATE_ERROR',
            'An expired build cannot be made available again.',
            {
              pointer: '/data/attributes/expired'
            }
          )
        if (changes.attributes.expired !== true) return
        if (expired)
          throw new AscError(409, 'STATE_ERROR', 'The build is already expired.', {
            pointer: '/data/attributes/expired'
          })
        if (build.attributes.processingState === 'PROCESSING')
          throw new AscError(
            409,
            'STATE_ERROR',
            'A build that is still processing cannot be expired.',
            {
              pointer: '/data/attributes/expired'
            }
          )
        changes.attributes.expirationDate = new Date(ctx.now).toISOString()
      },
      afterUpdate(build, ctx) {
        if (build.attributes.expired !== true) return
        for (const detail of ctx.store.related(build, 'buildBetaDetail'))
          ctx.store.update('buildBetaDetails', detail.id, {
            attributes: { internalBuildState: 'EXPIRED', externalBuildState: 'EXPIRED' }
          })
      }
    }
  }
}
