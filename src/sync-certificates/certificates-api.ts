import { X509Certificate } from 'node:crypto'
import type { AscClient } from '#shared/asc/client.js'
import type { Document, Resource } from '#shared/asc/types.js'
import type { components } from '#shared/asc/generated/openapi-types.js'
import type { CertificateType } from './certificate-types.js'

type CertificateAttributes = NonNullable<components['schemas']['Certificate']['attributes']>

/** One certificate as sync-certificates sees it. */
export interface CertificateInfo {
  id: string
  name: string
  certificateType: string
  serialNumber: string
  expirationDate: string
  /** DER of the certificate; undefined when App Store Connect gave no (readable) content. */
  der?: Buffer
  /** DER SubjectPublicKeyInfo of the certificate's key, read from `der`. */
  spki?: Buffer
}

/** The narrow port between sync-certificates and App Store Connect; tests use a fake of it. */
export interface CertificatesApi {
  /** Every certificate of the type, with its content: one listing. */
  list(type: CertificateType): Promise<CertificateInfo[]>
  /**
   * Creates a certificate from a PEM CSR. `recover` is asked after a lost answer: it returns the
   * certificate the request made, if it took effect, so no second one is ever requested.
   */
  create(
    type: CertificateType,
    csr: string,
    recover: () => Promise<CertificateInfo | undefined>
  ): Promise<CertificateInfo>
}

const FIELDS = ['name', 'certificateType', 'serialNumber', 'expirationDate', 'certificateContent']

/** Reads a certificate resource; content that is not a certificate is left out (never matched). */
export function toCertificate(r: Resource<CertificateAttributes>): CertificateInfo {
  const a = r.attributes ?? ({} as CertificateAttributes)
  const info: CertificateInfo = {
    id: r.id,
    name: a.name ?? a.displayName ?? '',
    certificateType: a.certificateType ?? '',
    serialNumber: a.serialNumber ?? '',
    expirationDate: a.expirationDate ?? ''
  }
  if (a.certificateContent) {
    try {
      const der = Buffer.from(a.certificateContent, 'base64')
      const x509 = new X509Certificate(der)
      info.der = Buffer.from(x509.raw)
      info.spki = x509.publicKey.export({ type: 'spki', format: 'der' })
      if (!info.serialNumber) info.serialNumber = x509.serialNumber
      if (!info.expirationDate) info.expirationDate = new Date(x509.validTo).toISOString()
    } catch {
      // unreadable content: the certificate stays listed (for the limit message) but never matches
    }
  }
  return info
}

export class AscCertificatesApi implements CertificatesApi {
  constructor(private readonly client: AscClient) {}

  async list(type: CertificateType): Promise<CertificateInfo[]> {
    const { data } = await this.client.all<Resource<CertificateAttributes>>('/v1/certificates', {
      'filter[certificateType]': [type],
      'fields[certificates]': FIELDS,
      limit: 200
    })
    // Apple's filter is trusted for the type, but compared again: only that type is ever used.
    return data.map(toCertificate).filter((c) => c.certificateType === type)
  }

  async create(
    type: CertificateType,
    csr: string,
    recover: () => Promise<CertificateInfo | undefined>
  ): Promise<CertificateInfo> {
    const found = new Map<string, CertificateInfo>()
    const doc = await this.client.post<Document<Resource<CertificateAttributes>>>(
      '/v1/certificates',
      { data: { type: 'certificates', attributes: { csrContent: csr, certificateType: type } } },
      {
        recover: async () => {
          const c = await recover()
          if (!c) return undefined
          found.set(c.id, c)
          return { data: { type: 'certificates', id: c.id } }
        }
      }
    )
    return found.get(doc.data.id) ?? toCertificate(doc.data)
  }
}
