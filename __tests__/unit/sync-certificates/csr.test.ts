import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCsr, csrPem, spki } from '../../../src/sync-certificates/csr.js'
import { verifyCsr } from '../../../tools/fake-asc/domains/certificates.js'
import { opensslPath } from './openssl.js'

const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey

describe('PKCS#10 certificate signing request', () => {
  it('is one OpenSSL verifies, for the key, with the subject given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'csr-'))
    try {
      const file = join(dir, 'request.csr')
      writeFileSync(file, csrPem(createCsr(key, { commonName: 'Example CI', country: 'US' })))
      const out = execFileSync(
        opensslPath(),
        ['req', '-in', file, '-noout', '-verify', '-subject', '-pubkey'],
        {
          stdio: ['ignore', 'pipe', 'pipe']
        }
      ).toString()
      expect(out).toMatch(/subject=CN ?= ?Example CI, C ?= ?US/)
      const pub = createPublicKey(out.slice(out.indexOf('-----BEGIN PUBLIC KEY-----')))
      expect(pub.export({ type: 'spki', format: 'der' })).toEqual(spki(key))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("passes the fake's check (signature and RSA 2048), which refuses a tampered one", () => {
    const der = createCsr(key, { commonName: 'x' })
    expect(verifyCsr(csrPem(der)).equals(createPublicKey(key))).toBe(true)
    const tampered = Buffer.from(der)
    tampered[40] ^= 1
    expect(() => verifyCsr(tampered.toString('base64'))).toThrow(/signature|could not be read/)
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey
    expect(() => verifyCsr(csrPem(createCsr(small, { commonName: 'x' })))).toThrow('RSA 2048')
  })

  it('writes PEM in 64-character lines', () => {
    const lines = csrPem(createCsr(key, { commonName: 'x' }))
      .trim()
      .split('\n')
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE REQUEST-----')
    expect(lines.at(-1)).toBe('-----END CERTIFICATE REQUEST-----')
    expect(lines.slice(1, -2).every((l) => l.length === 64)).toBe(true)
  })
})
