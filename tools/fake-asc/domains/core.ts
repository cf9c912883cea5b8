// Apps, users and user invitations.
// - POST /v1/userInvitations creates an invitation (expiring in 30 days); an e-mail that already
//   belongs to a user or a pending invitation is refused with 409, like Apple.
// - Users cannot be created through the API (there is no POST /v1/users): seed them.
import { AscError } from '../errors.js'
import type { Domain } from '../types.js'

const DAY = 24 * 60 * 60 * 1000

export const coreDomain: Domain = {
  name: 'core',
  resources: {
    userInvitations: {
      beforeCreate(input, ctx) {
        const email = String(input.attributes.email ?? '').toLowerCase()
        const user = ctx.store
          .list('users')
          .find((u) => String(u.attributes.username ?? '').toLowerCase() === email)
        if (user) {
          throw new AscError(
            409,
            'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
            `A user with the email address '${input.attributes.email}' is already a member of this team.`,
            { pointer: '/data/attributes/email' }
          )
        }
        const invited = ctx.store
          .list('userInvitations')
          .find((u) => String(u.attributes.email ?? '').toLowerCase() === email)
        if (invited) {
          throw new AscError(
            409,
            'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
            `An invitation for '${input.attributes.email}' is already pending.`,
            { pointer: '/data/attributes/email' }
          )
        }
        input.attributes.allAppsVisible ??= false
        input.attributes.provisioningAllowed ??= false
        input.attributes.expirationDate = new Date(ctx.now + 30 * DAY).toISOString()
      }
    },
    users: {
      beforeUpdate(_user, changes) {
        if (Array.isArray(changes.attributes.roles) && changes.attributes.roles.length === 0) {
          throw new AscError(
            409,
            'ENTITY_ERROR.ATTRIBUTE.INVALID',
            'A user needs at least one role.',
            {
              pointer: '/data/attributes/roles'
            }
          )
        }
      }
    }
  }
}
