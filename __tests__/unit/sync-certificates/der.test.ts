import { describe, expect, it } from '@jest/globals'
import { generateKeyPairSync, X509Certificate } from 'node:crypto'
import {
  bmpString,
  children,
  integer,
  name,
  octetString,
  oid,
  parse,
  read,
  readInteger,
  readOid,
  sequence,
  set,
  time,
  tlv
} from '../../../src/sync-certificates/der.js'
import { buildCertificate } from '../../../tools/fake-asc/domains/certificates.js'

const hex = (b: Buffer) => b.toString('hex')

describe('DER writer', () => {
  it('encodes integers minimally, with a zero byte before a high bit', () => {
    expect(hex(integer(0))).toBe('020100')
    expect(hex(integer(127))).toBe('02017f')
    expect(hex(integer(128))).toBe('02020080')
    expect(hex(integer(2048))).toBe('02020800')
    expect(hex(integer(Buffer.from('0000ff', 'hex')))).toBe('020200ff')
    expect(hex(integer(Buffer.from('0001', 'hex')))).toBe('020101')
  })

  it('encodes object identifiers (RFC examples)', () => {
    expect(hex(oid('1.2.840.113549.1.1.11'))).toBe('06092a864886f70d01010b')
    expect(hex(oid('2.5.4.3'))).toBe('0603550403')
    expect(hex(oid('1.3.14.3.2.26'))).toBe('06052b0e03021a')
  })

  it('uses long-form lengths past 127 bytes', () => {
    expect(hex(tlv(0x04, Buffer.alloc(200)).subarray(0, 3))).toBe('0481c8')
    expect(hex(tlv(0x04, Buffer.alloc(300)).subarray(0, 4))).toBe('0482012c')
  })

  it('sorts SET OF elements and writes BMPString big-endian', () => {
    expect(hex(set(integer(2), integer(1)))).toBe('3106020101020102')
    expect(hex(bmpString('Ab'))).toBe('1e0400410062')
  })

  it('writes UTCTime before 2050 and GeneralizedTime after', () => {
    expect(time(new Date('2027-01-02T03:04:05Z')).toString('latin1').slice(2)).toBe('270102030405Z')
    expect(time(new Date('2051-01-02T03:04:05Z')).toString('latin1').slice(2)).toBe(
      '20510102030405Z'
    )
  })
})

describe('DER reader', () => {
  it('reads back what the writer wrote', () => {
    const der = sequence(
      oid('1.2.840.113549.1.9.21'),
      integer(65537),
      octetString(Buffer.from('hi'))
    )
    const [o, i, s] = children(parse(der))
    expect(readOid(o)).toBe('1.2.840.113549.1.9.21')
    expect(hex(readInteger(i))).toBe('010001')
    expect(s.content.toString()).toBe('hi')
  })

  it('refuses truncated input and trailing bytes', () => {
    const der = sequence(integer(1))
    expect(() => read(der.subarray(0, der.length - 1))).toThrow('truncated')
    expect(() => parse(Buffer.concat([der, Buffer.from([0])]))).toThrow('trailing')
    expect(() => read(Buffer.from([0x30, 0x80]))).toThrow('unsupported length')
  })

  it('builds a certificate Node reads, with the names and dates given', () => {
    const ca = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const subject = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const der = buildCertificate({
      caKey: ca.privateKey,
      subjectKey: subject.publicKey,
      serial: '7A3B00C1D2E3F405',
      commonName: 'Apple Distribution: Test (TEAM123456)',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2027-01-01T00:00:00Z')
    })
    const x509 = new X509Certificate(der)
    expect(x509.serialNumber).toBe('7A3B00C1D2E3F405')
    expect(x509.subject).toContain('CN=Apple Distribution: Test (TEAM123456)')
    expect(new Date(x509.validTo).toISOString()).toBe('2027-01-01T00:00:00.000Z')
    expect(x509.verify(ca.publicKey)).toBe(true)
    expect(x509.publicKey.equals(subject.publicKey)).toBe(true)
    expect(hex(name([['2.5.4.6', 'US']]))).toBe('300d310b3009060355040613025553')
  })
})
