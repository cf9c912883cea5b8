import * as core from '@actions/core'
import type { KeyObject } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { nearest } from '#shared/asc/apps.js'
import { readConnectionSettings, type ConnectionSettings } from '#shared/asc/connection.js'
import { ConfigurationError } from '#shared/errors.js'
import { Inputs } from '#shared/inputs.js'
import { CERTIFICATE_TYPES, type CertificateType } from './certificate-types.js'
import { parseSigningKey, readSigningKeyFile } from './signing-key.js'

/** What sync-certificates does, read from its inputs (actions/sync-certificates/action.yml). */
export interface SyncCertificatesSettings {
  connection: ConnectionSettings
  /** `certificate-type`: Apple's CertificateType; default DISTRIBUTION. */
  certificateType: CertificateType
  /** `signing-key` or `signing-key-path`: the RSA 2048 private key the certificate is for. */
  signingKey: KeyObject
  /** `create-missing`: create a certificate from a CSR when none is valid for the key. */
  createMissing: boolean
  /** `renew-within-days`: a certificate expiring within this many days counts as missing. */
  renewWithinDays: number
  /** `p12-password`: protects the `.p12` written; never empty. */
  p12Password: string
  /** `output-dir`: where `<serial>.p12` and `<serial>.cer` go (absolute). */
  outputDir: string
  /** `dry-run`: say what would be created; change nothing, write nothing. */
  dryRun: boolean
}

export function readCertificateType(inputs: Inputs): CertificateType {
  const text = inputs.optional('certificate-type') ?? 'DISTRIBUTION'
  const wanted = text.toUpperCase().replace(/[- ]/g, '_')
  const found = CERTIFICATE_TYPES.find((t) => t === wanted)
  if (!found)
    throw new ConfigurationError(
      `'${text}' is not one of Apple's certificate types (did you mean ${nearest(wanted, [...CERTIFICATE_TYPES], 2).join(' or ')}?). Use one of: ${CERTIFICATE_TYPES.join(', ')}.`,
      'certificate-type'
    )
  return found
}

export function readSettings(
  inputs = new Inputs(),
  env: NodeJS.ProcessEnv = process.env
): SyncCertificatesSettings {
  const keyText = inputs.secret('signing-key')
  const keyPath = inputs.optional('signing-key-path')
  const password = inputs.secret('p12-password')
  if (password && password.length < 8) core.setSecret(password) // below mask()'s minimum
  const connection = readConnectionSettings(inputs)
  const certificateType = readCertificateType(inputs)
  const createMissing = inputs.boolean('create-missing', true)
  const renewWithinDays = inputs.integer('renew-within-days', { fallback: 30, min: 0, max: 365 })!
  const outputDirText = inputs.optional('output-dir')
  const dryRun = inputs.boolean('dry-run', false)

  if (!connection.credentials.issuerId)
    throw new ConfigurationError(
      'is empty, so this is an individual API key: Apple allows certificates and provisioning only with a team key. Create a team key with the Admin or Developer role (App Store Connect > Users and Access > Integrations > Team Keys) and pass its issuer-id.',
      'issuer-id'
    )
  if (keyText && keyPath)
    throw new ConfigurationError(
      'give either signing-key or signing-key-path, not both.',
      'signing-key-path'
    )
  if (!keyText && !keyPath)
    throw new ConfigurationError(
      'is required: the RSA 2048 private key the certificate is for, from a secret (make it once with `openssl genrsa -out signing.key 2048`), or set signing-key-path.',
      'signing-key'
    )
  const signingKey = keyText ? parseSigningKey(keyText) : readSigningKeyFile(keyPath!)
  if (!password)
    throw new ConfigurationError(
      'is required and must not be empty: the password that protects the .p12 written (macOS and OpenSSL refuse an empty one); keep it in a secret.',
      'p12-password'
    )
  const outputDir = resolve(outputDirText ?? join(env.RUNNER_TEMP || tmpdir(), 'certificates'))
  return {
    connection,
    certificateType,
    signingKey,
    createMissing,
    renewWithinDays,
    p12Password: password,
    outputDir,
    dryRun
  }
}
