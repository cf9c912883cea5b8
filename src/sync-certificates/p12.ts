// A PKCS#12 (RFC 7292) writer for one key and its certificate, in the legacy form every reader
// takes: both bags encrypted with pbeWithSHAAnd3-KeyTripleDES-CBC, the whole protected by an
// HMAC-SHA1 MAC, keys derived with the PKCS#12 KDF (RFC 7292 appendix B). macOS `security import`
// and `openssl pkcs12` (OpenSSL 3, with or without `-legacy`) read it.
import { createCipheriv, createHash, createHmac, randomBytes, type KeyObject } from 'node:crypto'
import {
  algorithm,
  bmpString,
  explicit,
  implicitPrimitive,
  integer,
  octetString,
  oid,
  sequence,
  set
} from './der.js'

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.2', // pkcs8ShroudedKeyBag
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  pbeSha1TripleDes: '1.2.840.113549.1.12.1.3',
  sha1: '1.3.14.3.2.26'
} as const

/** What the KDF derives: RFC 7292 B.3. */
const PURPOSE = { key: 1, iv: 2, mac: 3 } as const

export const ITERATIONS = 2048

/** The password as a BMPString with its two-byte terminator (RFC 7292 B.1). */
function bmpPassword(password: string): Buffer {
  const b = Buffer.from(`${password}\0`, 'utf16le')
  for (let i = 0; i + 1 < b.length; i += 2) [b[i], b[i + 1]] = [b[i + 1], b[i]]
  return b
}

/** Repeats `b` to fill `v * ceil(len / v)` bytes (empty stays empty). */
function stretch(b: Buffer, v: number): Buffer {
  if (!b.length) return b
  const out = Buffer.alloc(v * Math.ceil(b.length / v))
  for (let i = 0; i < out.length; i++) out[i] = b[i % b.length]
  return out
}

/** The PKCS#12 key derivation with SHA-1 (u = 20, v = 64), RFC 7292 appendix B.2. */
export function pkcs12Kdf(
  password: string,
  salt: Buffer,
  iterations: number,
  purpose: 1 | 2 | 3,
  size: number
): Buffer {
  const u = 20
  const v = 64
  const D = Buffer.alloc(v, purpose)
  const I = Buffer.concat([stretch(salt, v), stretch(bmpPassword(password), v)])
  const out: Buffer[] = []
  for (let produced = 0; produced < size; produced += u) {
    let A = createHash('sha1').update(D).update(I).digest()
    for (let r = 1; r < iterations; r++) A = createHash('sha1').update(A).digest()
    out.push(A)
    const B = stretch(A, v)
    for (let j = 0; j < I.length; j += v) {
      let carry = 1
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k] + B[k] + carry
        I[j + k] = sum & 0xff
        carry = sum >> 8
      }
    }
  }
  return Buffer.concat(out).subarray(0, size)
}

function encrypt3des(password: string, salt: Buffer, iterations: number, data: Buffer): Buffer {
  const key = pkcs12Kdf(password, salt, iterations, PURPOSE.key, 24)
  const iv = pkcs12Kdf(password, salt, iterations, PURPOSE.iv, 8)
  const cipher = createCipheriv('des-ede3-cbc', key, iv)
  return Buffer.concat([cipher.update(data), cipher.final()])
}

const pbeAlgorithm = (salt: Buffer, iterations: number): Buffer =>
  algorithm(OID.pbeSha1TripleDes, sequence(octetString(salt), integer(iterations)))

function bagAttributes(friendlyName: string, localKeyId: Buffer): Buffer {
  return set(
    sequence(oid(OID.friendlyName), set(bmpString(friendlyName))),
    sequence(oid(OID.localKeyId), set(octetString(localKeyId)))
  )
}

export interface P12Input {
  key: KeyObject
  /** DER of the certificate. */
  certificate: Buffer
  password: string
  /** Shown by Keychain Access and `openssl pkcs12 -info`. */
  friendlyName: string
  iterations?: number
  /** For tests: a fixed source of salts. */
  random?: (size: number) => Buffer
}

/** The DER bytes of a `.p12` holding exactly `key` and `certificate`. */
export function createP12(input: P12Input): Buffer {
  const iterations = input.iterations ?? ITERATIONS
  const random = input.random ?? randomBytes
  const { password } = input
  const localKeyId = createHash('sha1').update(input.certificate).digest()
  const attrs = bagAttributes(input.friendlyName, localKeyId)

  // The certificate: a SafeContents of one certBag, encrypted (EncryptedData).
  const certBag = sequence(
    oid(OID.certBag),
    explicit(0, sequence(oid(OID.x509Certificate), explicit(0, octetString(input.certificate)))),
    attrs
  )
  const certSalt = random(8)
  const certInfo = sequence(
    oid(OID.encryptedData),
    explicit(
      0,
      sequence(
        integer(0),
        sequence(
          oid(OID.data),
          pbeAlgorithm(certSalt, iterations),
          implicitPrimitive(0, encrypt3des(password, certSalt, iterations, sequence(certBag)))
        )
      )
    )
  )

  // The key: a pkcs8ShroudedKeyBag (EncryptedPrivateKeyInfo), in a plain SafeContents.
  const pkcs8 = input.key.export({ type: 'pkcs8', format: 'der' })
  const keySalt = random(8)
  const keyBag = sequence(
    oid(OID.keyBag),
    explicit(
      0,
      sequence(
        pbeAlgorithm(keySalt, iterations),
        octetString(encrypt3des(password, keySalt, iterations, pkcs8))
      )
    ),
    attrs
  )
  const keyInfo = sequence(oid(OID.data), explicit(0, octetString(sequence(keyBag))))

  const authSafe = sequence(certInfo, keyInfo)
  const macSalt = random(8)
  const macKey = pkcs12Kdf(password, macSalt, iterations, PURPOSE.mac, 20)
  const mac = createHmac('sha1', macKey).update(authSafe).digest()
  return sequence(
    integer(3),
    sequence(oid(OID.data), explicit(0, octetString(authSafe))),
    sequence(
      sequence(algorithm(OID.sha1), octetString(mac)),
      octetString(macSalt),
      integer(iterations)
    )
  )
}
