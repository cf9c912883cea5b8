import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto'
import { startFakeAsc, type FakeAsc } from '../../../tools/fake-asc/index.js'
import {
  certificatesState,
  issueCertificate
} from '../../../tools/fake-asc/domains/certificates.js'
import { createCsr, csrPem } from '../../../src/sync-certificates/csr.js'
import { call } from '../../support/fake-asc-helpers.js'

let fake: FakeAsc
beforeAll(async () => {
  fake = await startFakeAsc()
})
afterAll(async () => {
  expect(fake.violations).toEqual([])
  await fake.close()
})

const rsa = (bits = 2048) => generateKeyPairSync('rsa', { modulusLength: bits }).privateKey
const body = (csrContent: string, certificateType = 'DEVELOPMENT') => ({
  data: { type: 'certificates', attributes: { csrContent, certificateType } }
})

describe('fake ASC: certificates', () => {
  it('issues a one-year X.509 certificate for the CSR key from its test CA', async () => {
    const key = rsa()
    const r = await call(fake, 'POST', '/v1/certificates', {
      body: body(csrPem(createCsr(key, { commonName: 'x' })), 'IOS_DISTRIBUTION')
    })
    expect(r.status).toBe(201)
    const a = r.json.data.attributes
    expect(a).toMatchObject({
      certificateType: 'IOS_DISTRIBUTION',
      platform: 'IOS',
      activated: true
    })
    expect(a.csrContent).toBeUndefined()
    expect(a.serialNumber).toMatch(/^[0-9A-F]{16}$/)
    const x509 = new X509Certificate(Buffer.from(a.certificateContent, 'base64'))
    expect(x509.serialNumber).toBe(a.serialNumber)
    expect(x509.publicKey.equals(createPublicKey(key))).toBe(true)
    expect(x509.verify(createPublicKey(certificatesState(fake).caKey))).toBe(true)
    expect(Date.parse(a.expirationDate) - Date.parse(x509.validFrom)).toBe(365 * 86_400_000)
    expect(new Date(x509.validTo).toISOString()).toBe(a.expirationDate)
  })

  it('refuses a CSR that is not one, does not verify, or is not RSA 2048 (409)', async () => {
    const good = createCsr(rsa(), { commonName: 'x' })
    const tampered = Buffer.from(good)
    tampered[tampered.length - 5] ^= 1
    for (const [csr, detail] of [
      ['garbage', /could not be read/],
      [tampered.toString('base64'), /signature does not verify/],
      [csrPem(createCsr(rsa(1024), { commonName: 'x' })), /RSA 2048/]
    ] as const) {
      const r = await call(fake, 'POST', '/v1/certificates', { body: body(csr) })
      expect(r.status).toBe(409)
      expect(r.json.errors[0].detail).toMatch(detail)
      expect(r.json.errors[0].source).toEqual({ pointer: '/data/attributes/csrContent' })
    }
  })

  it("answers Apple's 409 at the per-type limit, counting only unexpired certificates", async () => {
    certificatesState(fake).limits.MAC_APP_DEVELOPMENT = 1
    issueCertificate(fake, rsa(), 'MAC_APP_DEVELOPMENT', {
      overrides: { expirationDate: new Date(Date.now() - 1000).toISOString() }
    })
    const csr = csrPem(createCsr(rsa(), { commonName: 'x' }))
    expect(
      (await call(fake, 'POST', '/v1/certificates', { body: body(csr, 'MAC_APP_DEVELOPMENT') }))
        .status
    ).toBe(201)
    const r = await call(fake, 'POST', '/v1/certificates', {
      body: body(csr, 'MAC_APP_DEVELOPMENT')
    })
    expect(r.status).toBe(409)
    expect(r.json.errors[0]).toMatchObject({
      code: 'ENTITY_ERROR',
      title: 'There is a problem with the request entity',
      detail:
        'There is a problem with the request entity - You already have a current Mac Development certificate or a pending certificate request.'
    })
  })

  it('refuses individual keys (403), like every provisioning resource', async () => {
    const r = await call(fake, 'POST', '/v1/certificates', {
      key: fake.keys.individual,
      body: body(csrPem(createCsr(rsa(), { commonName: 'x' })))
    })
    expect(r.status).toBe(403)
  })
})
