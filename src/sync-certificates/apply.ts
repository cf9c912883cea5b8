import { appleTime } from '#shared/dates.js'
// The changes: create a certificate from a CSR (recovering a lost answer by reading, never asking
// twice), and write `<serial>.p12` and `<serial>.cer` into the output folder.
import type { KeyObject } from 'node:crypto'
import { accessSync, constants, statSync } from 'node:fs'
import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { ApiError } from '#shared/asc/errors.js'
import { ConfigurationError, OperationFailedError } from '#shared/errors.js'
import { serverText } from '#shared/log.js'
import type { CertificateType } from './certificate-types.js'
import type { CertificateInfo, CertificatesApi } from './certificates-api.js'
import { createCsr, csrPem, spki } from './csr.js'
import { createP12 } from './p12.js'
import { matchesKey } from './plan.js'
import { formatDate } from './report.js'

const PORTAL = 'https://developer.apple.com/account/resources/certificates/list'

/**
 * Checks the output folder before anything changes: an existing path must be a writable folder;
 * a missing one needs a writable folder to be made in.
 */
export function checkOutputDir(dir: string, input = 'output-dir'): void {
  let at = dir
  for (;;) {
    let isDir: boolean
    try {
      isDir = statSync(at).isDirectory()
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(at) === at)
        throw new ConfigurationError(
          `cannot use '${dir}' (${(e as NodeJS.ErrnoException).code}).`,
          input
        )
      at = dirname(at)
      continue
    }
    if (!isDir)
      throw new ConfigurationError(
        `'${at}' is a file, not a folder: give a folder for the .p12 and .cer files.`,
        input
      )
    try {
      accessSync(at, constants.W_OK | constants.X_OK)
    } catch {
      throw new ConfigurationError(
        `'${at}' is not writable: give a folder this job can write to.`,
        input
      )
    }
    return
  }
}

/** Apple's answer when the type's certificate limit is reached. */
export function isLimitError(error: unknown): error is ApiError {
  return (
    error instanceof ApiError &&
    error.status === 409 &&
    error.errors.some((e) =>
      /already have a current|maximum number of (available )?certificates|reached the maximum/i.test(
        `${e.title ?? ''} ${e.detail ?? ''}`
      )
    )
  )
}

/** The one error for a reached limit: what exists, and how to free a place. */
export function limitError(
  type: CertificateType,
  existing: readonly CertificateInfo[],
  now: number,
  apple: ApiError
): OperationFailedError {
  const list = existing
    .map(
      (c) =>
        `${serverText(c.name || c.id, 80)} (serial ${serverText(c.serialNumber, 40)}, ${
          appleTime(c.expirationDate) > now ? 'expires' : 'expired'
        } ${formatDate(c.expirationDate)})`
    )
    .join('; ')
  const detail = serverText(apple.errors[0]?.detail ?? apple.errors[0]?.title ?? '', 200)
  return new OperationFailedError(
    `Apple's limit of ${type} certificates is reached, so no certificate could be created for signing-key (Apple: "${detail}"). Existing ${type} certificates: ${list || 'none listed'}. Free a place by revoking one you no longer use (${PORTAL}; this action never revokes), or give the signing-key of an existing certificate; then run the step again.`
  )
}

export interface CreateOptions {
  type: CertificateType
  key: KeyObject
  /** The ids of the type's certificates listed before the request. */
  knownIds: ReadonlySet<string>
  /** The listing, for the limit message. */
  listed: readonly CertificateInfo[]
  now: number
}

/** Creates the certificate for the key from a new CSR. */
export async function createCertificate(
  api: CertificatesApi,
  o: CreateOptions
): Promise<{ certificate: CertificateInfo; recovered: boolean }> {
  const csr = csrPem(createCsr(o.key, { commonName: 'app-store-connect-actions' }))
  const keySpki = spki(o.key)
  let recovered = false
  let certificate: CertificateInfo
  try {
    certificate = await api.create(o.type, csr, async () => {
      const made = (await api.list(o.type)).filter(
        (c) =>
          !o.knownIds.has(c.id) && matchesKey(c, keySpki) && appleTime(c.expirationDate) > o.now
      )
      if (made.length) recovered = true
      return made[0]
    })
  } catch (error) {
    if (isLimitError(error)) throw limitError(o.type, o.listed, o.now, error)
    throw error
  }
  if (!certificate.der || !matchesKey(certificate, keySpki))
    throw new OperationFailedError(
      `App Store Connect created certificate ${serverText(certificate.id, 40)} but its content ${certificate.der ? 'is for another key' : 'is missing or unreadable'}; run the step again (it will find the certificate by its key).`
    )
  return { certificate, recovered }
}

/** A serial fit to be a file name: hex digits only (server text never becomes a path). */
export function fileSerial(serial: string): string {
  if (!/^[0-9A-Fa-f]{1,64}$/.test(serial))
    throw new OperationFailedError(
      `App Store Connect gave the serial number '${serverText(serial, 80)}', which is not hexadecimal; no file was written.`
    )
  return serial.toUpperCase()
}

export interface WrittenFiles {
  p12Path: string
  cerPath: string
}

/** Writes `<serial>.p12` (key and certificate) and `<serial>.cer` (DER), mode 0600. */
export async function writeFiles(
  dir: string,
  certificate: CertificateInfo,
  key: KeyObject,
  password: string
): Promise<WrittenFiles> {
  const serial = fileSerial(certificate.serialNumber)
  const p12 = createP12({
    key,
    certificate: certificate.der!,
    password,
    friendlyName: certificate.name || `Certificate ${serial}`
  })
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const p12Path = join(dir, `${serial}.p12`)
  const cerPath = join(dir, `${serial}.cer`)
  for (const [path, bytes] of [
    [p12Path, p12],
    [cerPath, certificate.der!]
  ] as const) {
    await writeFile(path, bytes, { mode: 0o600 })
    await chmod(path, 0o600) // a file already there keeps its mode otherwise
  }
  return { p12Path, cerPath }
}
