// A PKCS#10 certificate signing request (RFC 2986) made with Node's crypto and our DER writer:
// what Keychain Access makes for Apple, signed with SHA-256 and RSA.
import { createPublicKey, sign, type KeyObject } from 'node:crypto'
import { algorithm, bitString, explicit, integer, name, sequence } from './der.js'

export const OID = {
  commonName: '2.5.4.3',
  country: '2.5.4.6',
  emailAddress: '1.2.840.113549.1.9.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11'
} as const

export interface CsrSubject {
  commonName: string
  /** Two letters. */
  country?: string
}

/** The DER SubjectPublicKeyInfo of a private (or public) key. */
export function spki(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key
  return pub.export({ type: 'spki', format: 'der' })
}

/** A DER-encoded PKCS#10 request for `key`'s public key, signed with `key` (RSA, SHA-256). */
export function createCsr(key: KeyObject, subject: CsrSubject): Buffer {
  const attributes: Array<[string, string]> = [[OID.commonName, subject.commonName]]
  if (subject.country) attributes.push([OID.country, subject.country])
  const info = sequence(
    integer(0),
    name(attributes),
    spki(key),
    explicit(0, Buffer.alloc(0)) // attributes [0] IMPLICIT SET OF Attribute: none
  )
  const signature = sign('sha256', info, key)
  return sequence(info, algorithm(OID.sha256WithRSAEncryption), bitString(signature))
}

/** PEM text of a request, as Apple's `csrContent` takes it. */
export function csrPem(der: Buffer): string {
  const body = der.toString('base64').replace(/.{64}/g, '$&\n').trimEnd()
  return `-----BEGIN CERTIFICATE REQUEST-----\n${body}\n-----END CERTIFICATE REQUEST-----\n`
}
