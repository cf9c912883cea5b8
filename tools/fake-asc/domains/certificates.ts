// Certificates, as far as sync-certificates needs them.
// - POST /v1/certificates: `csrContent` must be a PKCS#10 request (PEM or base64 DER) whose
//   signature verifies and whose key is RSA 2048 (409 ENTITY_ERROR.ATTRIBUTE.INVALID otherwise).
//   The fake's test CA then issues an X.509 certificate for that public key: a random 16-hex-digit
//   serial, valid from now for one year, subject named like Apple's ("Apple Distribution: Fake Team
//   (TEAM123456)"). The new resource carries `name`, `displayName`, `serialNumber`, `platform`,
//   `expirationDate`, `activated` and `certificateContent` (base64 of the DER); `csrContent` is not
//   kept.
// - A per-type limit (`fake.state.certificates.limits`, default 3 for DISTRIBUTION types, 2 for
//   development ones, like Apple): with that many unexpired certificates of the type, POST answers
//   Apple's 409 "You already have a current … certificate or a pending certificate request."
// - Seeded certificates (store.create) are left as they are; `issueCertificate()` seeds one with
//   real content for a given key.
import {
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
  type KeyObject
} from 'node:crypto'
import {
  algorithm,
  bitString,
  children,
  explicit,
  integer,
  name,
  parse,
  readOid,
  sequence,
  time
} from '../../../src/sync-certificates/der.js'
import { AscError } from '../errors.js'
import type { Resource, Store } from '../store.js'
import type { Domain, FakeAscHandle } from '../types.js'

const YEAR = 365 * 24 * 60 * 60 * 1000
const SHA256_RSA = '1.2.840.113549.1.1.11'
const TEAM = 'TEAM123456'

export interface CertificatesState {
  /** The most unexpired certificates of a type; types not listed have no limit. */
  limits: Record<string, number>
  /** The test CA's key (RSA 2048, made once per process, when first needed). */
  readonly caKey: KeyObject
}

let caKey: KeyObject | undefined
function testCaKey(): KeyObject {
  caKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  return caKey
}

const LABEL: Record<string, string> = {
  DISTRIBUTION: 'Apple Distribution',
  IOS_DISTRIBUTION: 'iPhone Distribution',
  MAC_APP_DISTRIBUTION: '3rd Party Mac Developer Application',
  MAC_INSTALLER_DISTRIBUTION: '3rd Party Mac Developer Installer',
  DEVELOPMENT: 'Apple Development',
  IOS_DEVELOPMENT: 'iPhone Developer',
  MAC_APP_DEVELOPMENT: 'Mac Developer',
  DEVELOPER_ID_APPLICATION: 'Developer ID Application',
  DEVELOPER_ID_APPLICATION_G2: 'Developer ID Application'
}

/** How Apple names the type in its limit message ("a current Distribution certificate"). */
const SPOKEN: Record<string, string> = {
  DISTRIBUTION: 'Distribution',
  IOS_DISTRIBUTION: 'iOS Distribution',
  DEVELOPMENT: 'Development',
  IOS_DEVELOPMENT: 'iOS Development',
  MAC_APP_DISTRIBUTION: 'Mac App Distribution',
  MAC_APP_DEVELOPMENT: 'Mac Development'
}

const DEFAULT_LIMITS: Record<string, number> = {
  DISTRIBUTION: 3,
  IOS_DISTRIBUTION: 3,
  MAC_APP_DISTRIBUTION: 3,
  MAC_INSTALLER_DISTRIBUTION: 3,
  DEVELOPMENT: 2,
  IOS_DEVELOPMENT: 2,
  MAC_APP_DEVELOPMENT: 2
}

const states = new WeakMap<Store, CertificatesState>()

export function certificatesState(fake: FakeAscHandle): CertificatesState {
  return fake.state.certificates as CertificatesState
}

function fail(detail: string): never {
  throw new AscError(409, 'ENTITY_ERROR.ATTRIBUTE.INVALID', detail, {
    pointer: '/data/attributes/csrContent'
  })
}

/** The public key of a PKCS#10 request after checking its signature; throws a 409 otherwise. */
export function verifyCsr(text: string): KeyObject {
  const body = text
    .replace(/-----(BEGIN|END) (NEW )?CERTIFICATE REQUEST-----/g, '')
    .replace(/\s+/g, '')
  let der: Buffer
  let key: KeyObject
  try {
    der = Buffer.from(body, 'base64')
    const [info, alg, signature] = children(parse(der))
    const [, , spki] = children(info)
    key = createPublicKey({ key: spki.raw, format: 'der', type: 'spki' })
    if (readOid(children(alg)[0]) !== SHA256_RSA)
      fail('The CSR must be signed with SHA-256 and RSA.')
    if (!verify('sha256', info.raw, key, signature.content.subarray(1)))
      fail('The CSR signature does not verify.')
  } catch (e) {
    if (e instanceof AscError) throw e
    fail('Invalid CSR: the certificate request could not be read.')
  }
  if (key.asymmetricKeyType !== 'rsa' || key.asymmetricKeyDetails?.modulusLength !== 2048)
    fail('The CSR key must be RSA 2048.')
  return key
}

/** DER of an X.509 v3 certificate for `subjectKey`, signed by the CA key. */
export function buildCertificate(opts: {
  caKey: KeyObject
  subjectKey: KeyObject
  serial: string
  commonName: string
  notBefore: Date
  notAfter: Date
}): Buffer {
  const spki = (
    opts.subjectKey.type === 'private' ? createPublicKey(opts.subjectKey) : opts.subjectKey
  ).export({ type: 'spki', format: 'der' })
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(Buffer.from(opts.serial, 'hex')),
    algorithm(SHA256_RSA),
    name([
      ['2.5.4.3', 'Fake Apple Worldwide Developer Relations Certification Authority'],
      ['2.5.4.10', 'Fake Apple Inc.'],
      ['2.5.4.6', 'US']
    ]),
    sequence(time(opts.notBefore), time(opts.notAfter)),
    name([
      ['0.9.2342.19200300.100.1.1', TEAM],
      ['2.5.4.3', opts.commonName],
      ['2.5.4.11', TEAM],
      ['2.5.4.10', 'Fake Team'],
      ['2.5.4.6', 'US']
    ]),
    spki
  )
  return sequence(tbs, algorithm(SHA256_RSA), bitString(sign('sha256', tbs, opts.caKey)))
}

/** A serial of 16 hex digits, the first one never 0 (so it keeps its length). */
function newSerial(): string {
  const b = randomBytes(8)
  b[0] = (b[0] & 0x7f) | 0x10
  return b.toString('hex').toUpperCase()
}

/** The attributes of a certificate the test CA issues for `key` now. */
export function certificateAttributes(
  caKey: KeyObject,
  key: KeyObject,
  certificateType: string,
  now: number
): Record<string, unknown> {
  const serialNumber = newSerial()
  const commonName = `${LABEL[certificateType] ?? certificateType}: Fake Team (${TEAM})`
  const notBefore = new Date(Math.floor(now / 1000) * 1000)
  const notAfter = new Date(notBefore.getTime() + YEAR)
  const der = buildCertificate({
    caKey,
    subjectKey: key,
    serial: serialNumber,
    commonName,
    notBefore,
    notAfter
  })
  return {
    name: commonName,
    displayName: 'Fake Team',
    certificateType,
    serialNumber,
    platform: certificateType.startsWith('MAC') ? 'MAC_OS' : 'IOS',
    expirationDate: notAfter.toISOString(),
    activated: true,
    certificateContent: der.toString('base64')
  }
}

/** Seeds a certificate with real content for `key` (e.g. an expiring one: `overrides`). */
export function issueCertificate(
  fake: FakeAscHandle,
  key: KeyObject,
  certificateType = 'DISTRIBUTION',
  options: { now?: number; overrides?: Record<string, unknown> } = {}
): Resource {
  const attrs = certificateAttributes(
    certificatesState(fake).caKey,
    key,
    certificateType,
    options.now ?? fake.now()
  )
  return fake.store.create('certificates', { ...attrs, ...(options.overrides ?? {}) })
}

export const certificatesDomain: Domain = {
  name: 'certificates',
  setup(fake: FakeAscHandle) {
    const state: CertificatesState = {
      limits: { ...DEFAULT_LIMITS },
      get caKey() {
        return testCaKey()
      }
    }
    fake.state.certificates = state
    states.set(fake.store, state)
  },
  resources: {
    certificates: {
      beforeCreate(input, ctx) {
        const state = states.get(ctx.store)!
        const type = String(input.attributes.certificateType ?? '')
        const key = verifyCsr(String(input.attributes.csrContent ?? ''))
        const limit = state.limits[type]
        const current = ctx.store
          .list('certificates')
          .filter(
            (c) =>
              c.attributes.certificateType === type &&
              Date.parse(String(c.attributes.expirationDate ?? '')) > ctx.now
          )
        if (limit !== undefined && current.length >= limit)
          throw new AscError(
            409,
            'ENTITY_ERROR',
            `There is a problem with the request entity - You already have a current ${SPOKEN[type] ?? type} certificate or a pending certificate request.`,
            { title: 'There is a problem with the request entity' }
          )
        delete input.attributes.csrContent
        Object.assign(input.attributes, certificateAttributes(state.caKey, key, type, ctx.now))
      }
    }
  }
}
