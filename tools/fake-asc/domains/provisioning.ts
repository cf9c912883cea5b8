// Provisioning: devices and profiles, as far as sync-profiles needs them.
// - POST /v1/devices: a UDID already registered (any case) is refused with 409 DUPLICATE, like
//   Apple; new devices are ENABLED, with a deviceClass guessed from the platform (MAC for MAC_OS,
//   IPHONE otherwise) unless seeding gave one.
// - POST /v1/profiles: needs a bundle ID and at least one certificate whose type suits the profile
//   type and has not expired; development and ad hoc types need at least one device (409
//   ENTITY_ERROR.RELATIONSHIP.INVALID otherwise). The new profile gets a generated `uuid`,
//   `profileState: ACTIVE`, `createdDate`, `platform` (from the bundle ID), an `expirationDate` a
//   year out (never after its earliest certificate) and `profileContent`: base64 of a
//   `.mobileprovision`-like blob (a DER-ish header, then a plist naming the UUID, name, type, team
//   and devices) so tests can compare bytes. Duplicate names are allowed (the default), or refused
//   with 409 when `fake.state.provisioning.rejectDuplicateNames` is set (Apple's older portals did).
// - Individual keys get 403 on all of this: the fake's core already refuses provisioning resources.
// - `fake.state.provisioning.offsetWithoutColon` answers profiles' dates as `…+0000` (Apple's form).
// - `seedProfile()` creates a profile the same way for tests that seed state.
import { createHash } from 'node:crypto'
import { AscError } from '../errors.js'
import type { Resource, Store } from '../store.js'
import type { Domain, FakeAscHandle } from '../types.js'

const DAY = 24 * 60 * 60 * 1000

export interface ProvisioningState {
  /** Refuse a new profile whose name another profile has (409), instead of allowing it. */
  rejectDuplicateNames: boolean
  /**
   * Answer profiles' dates as Apple's provisioning answers often do, with no colon in the offset
   * (`2020-11-28T13:56:50.220+0000`) instead of `…Z`. Default false.
   */
  offsetWithoutColon?: boolean
}

/** `…Z` as `…+0000`, the form recorded from Apple's provisioning answers. */
export function withoutColon(date: unknown): unknown {
  return typeof date === 'string' ? date.replace(/Z$/, '+0000') : date
}

const CERTIFICATES_FOR: Record<string, string[]> = {
  IOS_APP_DEVELOPMENT: ['DEVELOPMENT', 'IOS_DEVELOPMENT'],
  IOS_APP_STORE: ['DISTRIBUTION', 'IOS_DISTRIBUTION'],
  IOS_APP_ADHOC: ['DISTRIBUTION', 'IOS_DISTRIBUTION'],
  IOS_APP_INHOUSE: ['DISTRIBUTION', 'IOS_DISTRIBUTION'],
  TVOS_APP_DEVELOPMENT: ['DEVELOPMENT', 'IOS_DEVELOPMENT'],
  TVOS_APP_STORE: ['DISTRIBUTION', 'IOS_DISTRIBUTION'],
  TVOS_APP_ADHOC: ['DISTRIBUTION', 'IOS_DISTRIBUTION'],
  TVOS_APP_INHOUSE: ['DISTRIBUTION', 'IOS_DISTRIBUTION'],
  MAC_APP_DEVELOPMENT: ['DEVELOPMENT', 'MAC_APP_DEVELOPMENT'],
  MAC_APP_STORE: ['DISTRIBUTION', 'MAC_APP_DISTRIBUTION'],
  MAC_APP_DIRECT: ['DEVELOPER_ID_APPLICATION', 'DEVELOPER_ID_APPLICATION_G2'],
  MAC_CATALYST_APP_DEVELOPMENT: ['DEVELOPMENT', 'MAC_APP_DEVELOPMENT'],
  MAC_CATALYST_APP_STORE: ['DISTRIBUTION', 'MAC_APP_DISTRIBUTION'],
  MAC_CATALYST_APP_DIRECT: ['DEVELOPER_ID_APPLICATION', 'DEVELOPER_ID_APPLICATION_G2']
}

const WITH_DEVICES = new Set([
  'IOS_APP_DEVELOPMENT',
  'IOS_APP_ADHOC',
  'TVOS_APP_DEVELOPMENT',
  'TVOS_APP_ADHOC',
  'MAC_APP_DEVELOPMENT',
  'MAC_CATALYST_APP_DEVELOPMENT'
])

function uuidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex').toUpperCase()
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-A${h.slice(17, 20)}-${h.slice(20, 32)}`
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** A plausible `.mobileprovision`: CMS-like DER bytes around an XML plist. Base64. */
export function profileContent(p: {
  uuid: string
  name: string
  profileType: string
  bundleId: string
  teamId: string
  expirationDate: string
  createdDate: string
  udids: string[]
}): string {
  const plist = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    `\t<key>AppIDName</key>\n\t<string>${escapeXml(p.bundleId)}</string>`,
    `\t<key>CreationDate</key>\n\t<date>${p.createdDate.replace(/\.\d+Z$/, 'Z')}</date>`,
    `\t<key>Entitlements</key>\n\t<dict>\n\t\t<key>application-identifier</key>\n\t\t<string>${p.teamId}.${escapeXml(p.bundleId)}</string>\n\t</dict>`,
    `\t<key>ExpirationDate</key>\n\t<date>${p.expirationDate.replace(/\.\d+Z$/, 'Z')}</date>`,
    `\t<key>Name</key>\n\t<string>${escapeXml(p.name)}</string>`,
    ...(p.udids.length
      ? [
          `\t<key>ProvisionedDevices</key>\n\t<array>\n${p.udids.map((u) => `\t\t<string>${u}</string>`).join('\n')}\n\t</array>`
        ]
      : []),
    `\t<key>TeamIdentifier</key>\n\t<array>\n\t\t<string>${p.teamId}</string>\n\t</array>`,
    `\t<key>UUID</key>\n\t<string>${p.uuid}</string>`,
    `\t<key>X-Fake-ProfileType</key>\n\t<string>${p.profileType}</string>`,
    '</dict>',
    '</plist>',
    ''
  ].join('\n')
  const body = Buffer.from(plist, 'utf8')
  // SEQUENCE { OID signedData (1.2.840.113549.1.7.2), … }: enough for `file` to call it DER.
  const oid = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02])
  const len = Buffer.alloc(4)
  len.writeUInt32BE(body.length + oid.length)
  return Buffer.concat([Buffer.from([0x30, 0x84]), len, oid, body]).toString('base64')
}

function state(handle: { state: Record<string, unknown> }): ProvisioningState {
  return (handle.state.provisioning ??= { rejectDuplicateNames: false }) as ProvisioningState
}

/** Each fake's state, by its store (hooks see the store, not the fake). */
const states = new WeakMap<Store, ProvisioningState>()

/** The attributes a profile is created with (also used by seedProfile). */
function profileAttributes(
  store: Store,
  input: {
    name: string
    profileType: string
    bundleId: Resource
    certificates: Resource[]
    devices: Resource[]
  },
  now: number,
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  const createdDate = new Date(now).toISOString()
  const certExpiry = Math.min(
    ...input.certificates.map(
      (c) => Date.parse(String(c.attributes.expirationDate ?? '')) || Infinity
    )
  )
  const expirationDate =
    (overrides.expirationDate as string) ??
    new Date(Math.min(now + 365 * DAY, certExpiry)).toISOString()
  const uuid =
    (overrides.uuid as string) ??
    uuidFrom(`${input.name}|${input.profileType}|${createdDate}|${store.newId('uuid')}`)
  const teamId = String(input.bundleId.attributes.seedId ?? 'TEAM123456')
  return {
    name: input.name,
    profileType: input.profileType,
    platform: input.bundleId.attributes.platform === 'MAC_OS' ? 'MAC_OS' : 'IOS',
    profileState: 'ACTIVE',
    createdDate,
    expirationDate,
    uuid,
    profileContent: profileContent({
      uuid,
      name: input.name,
      profileType: input.profileType,
      bundleId: String(input.bundleId.attributes.identifier ?? ''),
      teamId,
      expirationDate,
      createdDate,
      udids: input.devices.map((d) => String(d.attributes.udid ?? ''))
    }),
    ...overrides
  }
}

/**
 * Seeds a profile as Apple would have created it, with content that matches its attributes.
 * `overrides` may set profileState (INVALID), expirationDate (expired, expiring), uuid.
 */
export function seedProfile(
  store: Store,
  p: {
    name: string
    profileType: string
    bundleId: Resource
    certificates: Resource[]
    devices?: Resource[]
    now?: number
    overrides?: Record<string, unknown>
  }
): Resource {
  const devices = p.devices ?? []
  const attributes = profileAttributes(store, { ...p, devices }, p.now ?? Date.now(), p.overrides)
  if (p.overrides?.expirationDate || p.overrides?.uuid) {
    // Keep the content consistent with overridden attributes.
    attributes.profileContent = profileContent({
      uuid: String(attributes.uuid),
      name: p.name,
      profileType: p.profileType,
      bundleId: String(p.bundleId.attributes.identifier ?? ''),
      teamId: String(p.bundleId.attributes.seedId ?? 'TEAM123456'),
      expirationDate: String(attributes.expirationDate),
      createdDate: String(attributes.createdDate),
      udids: devices.map((d) => String(d.attributes.udid ?? ''))
    })
  }
  return store.create('profiles', attributes, {
    bundleId: p.bundleId,
    certificates: p.certificates,
    devices
  })
}

function fail(pointer: string, detail: string, code = 'ENTITY_ERROR.RELATIONSHIP.INVALID'): never {
  throw new AscError(409, code, detail, { pointer })
}

export const provisioningDomain: Domain = {
  name: 'provisioning',
  setup(fake: FakeAscHandle) {
    states.set(fake.store, state(fake))
  },
  resources: {
    devices: {
      beforeCreate(input, ctx) {
        const udid = String(input.attributes.udid ?? '')
        if (
          ctx.store
            .list('devices')
            .some((d) => String(d.attributes.udid ?? '').toLowerCase() === udid.toLowerCase())
        )
          fail(
            '/data/attributes/udid',
            `A device with number '${udid}' already exists on this team.`,
            'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE'
          )
        input.attributes.status ??= 'ENABLED'
        input.attributes.deviceClass ??= input.attributes.platform === 'MAC_OS' ? 'MAC' : 'IPHONE'
        input.attributes.model ??= input.attributes.platform === 'MAC_OS' ? 'Mac' : 'iPhone'
        input.attributes.addedDate ??= new Date(ctx.now).toISOString()
      }
    },
    profiles: {
      read(view, ctx) {
        if (!states.get(ctx.store)?.offsetWithoutColon) return
        for (const k of ['expirationDate', 'createdDate'])
          if (k in view.attributes) view.attributes[k] = withoutColon(view.attributes[k])
      },
      beforeCreate(input, ctx) {
        const type = String(input.attributes.profileType ?? '')
        const name = String(input.attributes.name ?? '')
        const one = (rel: string) => {
          const d = input.relationships[rel]?.data
          return (d === null || d === undefined ? [] : Array.isArray(d) ? d : [d])
            .map((x) => ctx.store.get(x.type, x.id)!)
            .filter(Boolean)
        }
        const [bundleId] = one('bundleId')
        if (!bundleId)
          fail(
            '/data/relationships/bundleId',
            'A profile needs a bundle ID.',
            'ENTITY_ERROR.RELATIONSHIP.REQUIRED'
          )
        const certificates = one('certificates')
        if (!certificates.length)
          fail(
            '/data/relationships/certificates',
            'A profile needs at least one certificate.',
            'ENTITY_ERROR.RELATIONSHIP.REQUIRED'
          )
        certificates.forEach((c, i) => {
          if (!CERTIFICATES_FOR[type]?.includes(String(c.attributes.certificateType)))
            fail(
              `/data/relationships/certificates/data/${i}`,
              `Certificate '${c.id}' (${String(c.attributes.certificateType)}) cannot be used in a ${type} profile.`
            )
          if (Date.parse(String(c.attributes.expirationDate ?? '')) <= ctx.now)
            fail(`/data/relationships/certificates/data/${i}`, `Certificate '${c.id}' has expired.`)
        })
        const devices = one('devices')
        if (WITH_DEVICES.has(type) && !devices.length)
          fail(
            '/data/relationships/devices',
            `A ${type} profile needs at least one device.`,
            'ENTITY_ERROR.RELATIONSHIP.REQUIRED'
          )
        if (!WITH_DEVICES.has(type) && devices.length)
          fail('/data/relationships/devices', `A ${type} profile cannot list devices.`)
        if (
          (states.get(ctx.store)?.rejectDuplicateNames ?? false) &&
          ctx.store.list('profiles').some((p) => p.attributes.name === name)
        )
          fail(
            '/data/attributes/name',
            `Multiple profiles found with the name '${name}'. Please remove the duplicate profiles and try again.`,
            'ENTITY_ERROR.ATTRIBUTE.INVALID'
          )
        Object.assign(
          input.attributes,
          profileAttributes(
            ctx.store,
            { name, profileType: type, bundleId, certificates, devices },
            ctx.now
          )
        )
      }
    }
  }
}
