// The signing key: the RSA 2048 private key the certificate is for (what Apple's CSR flow takes).
import { createPrivateKey, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { ConfigurationError } from '#shared/errors.js'
import { mask } from '#shared/inputs.js'

const GENRSA = 'make one with `openssl genrsa -out signing.key 2048` and store the file in a secret'

/**
 * Reads the key from PEM text, PEM with literal `\n`, or base64 of the PEM, and accepts only an
 * unencrypted RSA 2048 private key. Every error names `input` and never quotes the key.
 */
export function parseSigningKey(text: string, input = 'signing-key'): KeyObject {
  let pem = text.trim().replace(/\\n/g, '\n').replace(/\r\n/g, '\n')
  if (!pem.includes('-----BEGIN')) {
    const compact = pem.replace(/\s+/g, '')
    const decoded = /^[A-Za-z0-9+/=]+$/.test(compact)
      ? Buffer.from(compact, 'base64').toString('utf8')
      : ''
    if (!decoded.includes('-----BEGIN'))
      throw new ConfigurationError(
        `is not a private key: give the whole PEM file (from its BEGIN line to its END line) or its base64; ${GENRSA}.`,
        input
      )
    pem = decoded.trim()
  }
  mask(pem)
  if (
    /-----BEGIN (ENCRYPTED PRIVATE KEY|RSA PRIVATE KEY-----[\s\S]*Proc-Type: 4,ENCRYPTED)/.test(pem)
  )
    throw new ConfigurationError(
      'is encrypted with a passphrase; store it without one (`openssl rsa -in signing.key -out plain.key`), it is kept in a secret.',
      input
    )
  if (!/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(pem))
    throw new ConfigurationError(
      `is not a private key (a public key or certificate?); ${GENRSA}.`,
      input
    )
  let key: KeyObject
  try {
    key = createPrivateKey({ key: pem, format: 'pem' })
  } catch {
    throw new ConfigurationError(
      `could not be read as a private key (PEM text, PEM with \\n, or base64 of the PEM); ${GENRSA}.`,
      input
    )
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw new ConfigurationError(
      `is an ${key.asymmetricKeyType?.toUpperCase() ?? 'unknown'} key; Apple's certificate requests take RSA 2048 keys only: ${GENRSA}.`,
      input
    )
  const bits = key.asymmetricKeyDetails?.modulusLength
  if (bits !== 2048)
    throw new ConfigurationError(
      `is an RSA ${bits ?? '?'}-bit key; Apple's certificate requests take RSA 2048 keys only: ${GENRSA}.`,
      input
    )
  return key
}

/** Reads the key from a file (`signing-key-path`). */
export function readSigningKeyFile(path: string, input = 'signing-key-path'): KeyObject {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new ConfigurationError(
      `cannot read '${path}' (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
      input
    )
  }
  return parseSigningKey(text, input)
}
