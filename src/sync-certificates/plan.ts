import { appleTime } from '#shared/dates.js'
import type { CertificateInfo } from './certificates-api.js'

const DAY = 86_400_000

/** Why a listed certificate of the type is not the one used. */
export type SkipReason = 'other key' | 'no content' | 'expired' | 'expiring'

export interface Skipped {
  certificate: CertificateInfo
  reason: SkipReason
}

export type Plan =
  | { action: 'reuse'; certificate: CertificateInfo; skipped: Skipped[] }
  /** No valid certificate for the key: create one (`renewing` when one for the key is expiring). */
  | { action: 'create'; renewing?: CertificateInfo; skipped: Skipped[] }
  /** No valid certificate and create-missing is false. */
  | { action: 'missing'; renewing?: CertificateInfo; skipped: Skipped[] }

export interface PlanOptions {
  /** DER SubjectPublicKeyInfo of the signing key. */
  spki: Buffer
  renewWithinDays: number
  createMissing: boolean
  now: number
}

/** Whether a certificate's key is the signing key. */
export function matchesKey(c: CertificateInfo, spki: Buffer): boolean {
  return c.spki !== undefined && c.spki.equals(spki)
}

/** A certificate still valid beyond `renewWithinDays`. */
function expiry(c: CertificateInfo, o: PlanOptions): 'valid' | 'expiring' | 'expired' {
  const at = appleTime(c.expirationDate)
  if (!(at > o.now)) return 'expired'
  return at - o.now <= o.renewWithinDays * DAY ? 'expiring' : 'valid'
}

/**
 * Picks the certificate for the signing key: of those whose public key is the key's and that are
 * valid beyond `renewWithinDays`, the one that expires last. None: create one (never revoking any).
 */
export function decide(certificates: readonly CertificateInfo[], o: PlanOptions): Plan {
  const skipped: Skipped[] = []
  const usable: CertificateInfo[] = []
  const expiring: CertificateInfo[] = []
  for (const c of certificates) {
    if (!c.spki) skipped.push({ certificate: c, reason: 'no content' })
    else if (!matchesKey(c, o.spki)) skipped.push({ certificate: c, reason: 'other key' })
    else {
      const state = expiry(c, o)
      if (state === 'valid') usable.push(c)
      else {
        skipped.push({ certificate: c, reason: state })
        if (state === 'expiring') expiring.push(c)
      }
    }
  }
  const last = (list: CertificateInfo[]) =>
    [...list].sort((a, b) => appleTime(b.expirationDate) - appleTime(a.expirationDate))[0]
  if (usable.length) return { action: 'reuse', certificate: last(usable), skipped }
  const renewing = expiring.length ? last(expiring) : undefined
  return { action: o.createMissing ? 'create' : 'missing', renewing, skipped }
}

/** Certificates of the type that count against Apple's limit (not expired). */
export function current(certificates: readonly CertificateInfo[], now: number): CertificateInfo[] {
  return certificates.filter((c) => appleTime(c.expirationDate) > now)
}
