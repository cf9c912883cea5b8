import { formatDate as formatAppleDate, parseAppleDate } from '#shared/dates.js'
import { Summary } from '#shared/summary.js'
import type { CertificateInfo } from './certificates-api.js'
import type { Plan, SkipReason } from './plan.js'

/** `2026-11-23 18:17 UTC`; 'unknown' when it is not a date. */
export function formatDate(iso: string): string {
  return parseAppleDate(iso) === undefined ? 'unknown' : formatAppleDate(iso)
}

/** One line per certificate, for logs (callers wrap server text). */
export function describe(c: CertificateInfo): string {
  return `${c.name || c.id} (serial ${c.serialNumber || '?'}, expires ${formatDate(c.expirationDate)}) [${c.id}]`
}

const WHY: Record<SkipReason, string> = {
  'other key': 'made for another key',
  'no content': 'no readable content',
  expired: 'expired',
  expiring: 'expires within renew-within-days'
}

export interface Outcome {
  /** What happened: `reused`, `created`, `would create`, `missing`, or `failed`. */
  status: 'reused' | 'created' | 'would create' | 'would reuse' | 'missing' | 'failed'
  certificate?: CertificateInfo
  p12Path?: string
  cerPath?: string
  recovered?: boolean
  error?: string
}

export interface ReportFacts {
  type: string
  dryRun: boolean
  plan?: Plan
  requests: number
}

function statusLine(o: Outcome, f: ReportFacts): string {
  const c = o.certificate
  const which = c ? `${c.serialNumber} (${f.type}, expires ${formatDate(c.expirationDate)})` : ''
  switch (o.status) {
    case 'reused':
      return `✅ Used the existing certificate ${which}; nothing was created.`
    case 'created':
      return `✅ Created the certificate ${which}${f.plan?.action === 'create' && f.plan.renewing ? `, renewing ${f.plan.renewing.serialNumber} (kept, not revoked)` : ''}.`
    case 'would reuse':
      return `✅ Dry run: would use the existing certificate ${which}; nothing changed, no file written.`
    case 'would create':
      return `✅ Dry run: would create a ${f.type} certificate for the signing key from a CSR; nothing changed.`
    case 'missing':
      return `❌ ${o.error}`
    case 'failed':
      return `❌ ${o.error}`
  }
}

export function summarize(o: Outcome, f: ReportFacts): Summary {
  const s = new Summary().heading('Sync certificates').text(statusLine(o, f))
  const c = o.certificate
  s.facts([
    ['Certificate type', f.type],
    ['Certificate', c ? `${c.name || c.id} (${c.id})` : undefined],
    ['Serial number', c?.serialNumber],
    ['Expires', c ? formatDate(c.expirationDate) : undefined],
    ['.p12', o.p12Path],
    ['.cer', o.cerPath],
    ['Recovered a lost answer', o.recovered ? 'yes (found by its public key)' : undefined]
  ])
  const skipped = f.plan?.skipped ?? []
  if (skipped.length) {
    s.heading(`Other ${f.type} certificates (not used, never revoked)`, 3)
    s.table(
      ['Name', 'Serial', 'Expires', 'Why not used'],
      skipped.map((k) => [
        k.certificate.name,
        k.certificate.serialNumber,
        formatDate(k.certificate.expirationDate),
        WHY[k.reason]
      ])
    )
  }
  s.text(`<details><summary>Requests</summary>\n\n${f.requests} API request(s).\n\n</details>`)
  return s
}
