import { describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createP12, pkcs12Kdf } from '../../../src/sync-certificates/p12.js'
import { buildCertificate } from '../../../tools/fake-asc/domains/certificates.js'
import { opensslPath } from './openssl.js'

const ca = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
const certificate = buildCertificate({
  caKey: ca,
  subjectKey: key,
  serial: '1234ABCD5678EF90',
  commonName: 'Apple Distribution: Test (TEAM123456)',
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2027-01-01T00:00:00Z')
})

function openssl(file: string, args: string[]): string {
  return execFileSync(opensslPath(), ['pkcs12', '-in', file, ...args], {
    stdio: ['ignore', 'pipe', 'pipe']
  }).toString()
}

function withFile<T>(bytes: Buffer, fn: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'p12-'))
  try {
    const file = join(dir, 'test.p12')
    writeFileSync(file, bytes)
    return fn(file)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('PKCS#12 key derivation (RFC 7292 appendix B)', () => {
  // Known answers from the PKCS#12 test vectors OpenSSL and BouncyCastle use (password "smeg").
  const salt = Buffer.from('0a58cf64530d823f', 'hex')
  it('derives the 3DES key and IV and the MAC key', () => {
    expect(pkcs12Kdf('smeg', salt, 1, 1, 24).toString('hex')).toBe(
      '8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3'
    )
    expect(pkcs12Kdf('smeg', salt, 1, 2, 8).toString('hex')).toBe('79993dfe048d3b76')
  })
})

describe('PKCS#12 writer', () => {
  const p12 = createP12({
    key,
    certificate,
    password: 'pässword 1',
    friendlyName: 'Apple Distribution: Test'
  })

  it('opens with openssl -legacy and without, holding exactly that key and that certificate', () => {
    withFile(p12, (file) => {
      for (const legacy of [['-legacy'], []]) {
        const text = openssl(file, [...legacy, '-nodes', '-passin', 'pass:pässword 1'])
        const keys =
          text.match(/-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----/g) ?? []
        const certs =
          text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []
        expect(keys).toHaveLength(1)
        expect(certs).toHaveLength(1)
        expect(
          createPrivateKey(keys[0]!)
            .export({ type: 'pkcs8', format: 'der' })
            .equals(key.export({ type: 'pkcs8', format: 'der' }))
        ).toBe(true)
        expect(Buffer.from(new X509Certificate(certs[0]!).raw).equals(certificate)).toBe(true)
        expect(text).toContain('friendlyName: Apple Distribution: Test')
        expect(text.match(/localKeyID: [0-9A-F ]+/g)).toHaveLength(2)
      }
    })
  })

  it('uses 3DES for both bags and a SHA-1 MAC', () => {
    // -info writes its lines to stderr: capture both.
    const all = withFile(p12, (file) => {
      const r = spawnSync(
        opensslPath(),
        ['pkcs12', '-in', file, '-info', '-noout', '-passin', 'pass:pässword 1'],
        { encoding: 'utf8' }
      )
      expect(r.status).toBe(0)
      return r.stdout + r.stderr
    })
    expect(all).toContain('MAC: sha1, Iteration 2048')
    expect(all.match(/pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048/g)).toHaveLength(2)
    expect(all).not.toMatch(/RC2|AES/)
  })

  it('is refused with a wrong password', () => {
    withFile(p12, (file) => {
      expect(() => openssl(file, ['-legacy', '-nodes', '-passin', 'pass:wrong'])).toThrow()
    })
  })

  it('is the same bytes for the same salts (deterministic given its random source)', () => {
    const fixed = (n: number) => Buffer.alloc(n, 7)
    const a = createP12({
      key,
      certificate,
      password: 'x',
      friendlyName: 'n',
      random: fixed,
      iterations: 10
    })
    const b = createP12({
      key,
      certificate,
      password: 'x',
      friendlyName: 'n',
      random: fixed,
      iterations: 10
    })
    expect(a.equals(b)).toBe(true)
    expect(
      a.equals(createP12({ key, certificate, password: 'x', friendlyName: 'n', iterations: 10 }))
    ).toBe(false)
  })
})
