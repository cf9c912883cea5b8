import { describe, expect, it } from '@jest/globals'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify } from 'jose'
import { JwtTokens, parsePrivateKey, readPrivateKeyFile } from '../../../src/shared/asc/auth.js'
import { ConfigurationError } from '../../../src/shared/errors.js'

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const spki = publicKey.export({ type: 'spki', format: 'pem' }).toString()

describe('parsePrivateKey accepts every form a secret takes', () => {
  const der = privateKey.export({ type: 'pkcs8', format: 'der' })
  const forms: Array<[string, string]> = [
    ['PEM text', pem],
    ['PEM with literal \\n', pem.trim().replace(/\n/g, '\\n')],
    ['PEM with CRLF and spaces around', `  ${pem.replace(/\n/g, '\r\n')}  `],
    ['base64 of the PEM', Buffer.from(pem).toString('base64')],
    ['base64 of the DER body', der.toString('base64')]
  ]
  it.each(forms)('%s', async (_name, text) => {
    const key = parsePrivateKey(text)
    const token = await new JwtTokens({
      keyId: 'ABCDEF1234',
      issuerId: 'issuer',
      privateKey: key
    }).token()
    await expect(jwtVerify(token, await importSPKI(spki, 'ES256'))).resolves.toBeDefined()
  })

  it('reads a .p8 file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'p8-'))
    writeFileSync(join(dir, 'AuthKey.p8'), pem)
    expect(readPrivateKeyFile(join(dir, 'AuthKey.p8')).asymmetricKeyType).toBe('ec')
  })

  it('names the input when the file is missing', () => {
    expect(() => readPrivateKeyFile('/nonexistent/AuthKey.p8')).toThrow(
      /Input 'private-key-path': cannot read/
    )
  })

  it.each([
    ['garbage', 'not a key at all!'],
    ['truncated PEM', pem.slice(0, 80)],
    ['base64 of nothing useful', Buffer.from('hello world').toString('base64')]
  ])('refuses %s with a ConfigurationError naming private-key', (_name, text) => {
    let error: unknown
    try {
      parsePrivateKey(text)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as ConfigurationError).input).toBe('private-key')
    expect((error as Error).message).toMatch(/\.p8/)
  })

  it('refuses an RSA key: App Store Connect keys are EC P-256', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey
    expect(() => parsePrivateKey(rsa.export({ type: 'pkcs8', format: 'pem' }).toString())).toThrow(
      /EC P-256/
    )
  })
})

describe('JwtTokens', () => {
  const key = parsePrivateKey(pem)

  it('signs team tokens with kid, typ, aud, iss, a back-dated iat and a short life', async () => {
    const now = Date.UTC(2026, 10, 21, 12, 0, 0)
    const token = await new JwtTokens(
      { keyId: 'ABCDEF1234', issuerId: '57246542-96fe-1a63-e053-0824d011072a', privateKey: key },
      { now: () => now }
    ).token()
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: 'ABCDEF1234', typ: 'JWT' })
    const claims = decodeJwt(token)
    expect(claims.aud).toBe('appstoreconnect-v1')
    expect(claims.iss).toBe('57246542-96fe-1a63-e053-0824d011072a')
    expect(claims.sub).toBeUndefined()
    expect(claims.iat).toBe(now / 1000 - 60)
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(20 * 60)
    expect(claims.exp).toBe(now / 1000 + 600)
  })

  it('signs individual tokens with sub "user" and no iss', async () => {
    const claims = decodeJwt(await new JwtTokens({ keyId: 'ABCDEF1234', privateKey: key }).token())
    expect(claims.sub).toBe('user')
    expect(claims.iss).toBeUndefined()
  })

  it('reuses a token until it nears expiry, then renews it, so a 40-minute wait never sends an expired one', async () => {
    let now = Date.UTC(2026, 10, 21, 12, 0, 0)
    const tokens = new JwtTokens(
      { keyId: 'ABCDEF1234', issuerId: 'i', privateKey: key },
      { now: () => now }
    )
    const first = await tokens.token()
    now += 7 * 60_000
    expect(await tokens.token()).toBe(first)
    const seen = new Set([first])
    for (let minute = 7; minute <= 40; minute++) {
      now = Date.UTC(2026, 10, 21, 12, minute, 0)
      const t = await tokens.token()
      seen.add(t)
      expect(decodeJwt(t).exp! * 1000 - now).toBeGreaterThan(60_000)
    }
    expect(seen.size).toBeGreaterThanOrEqual(4)
    expect(tokens.signed).toBe(seen.size)
  })

  it('signs a new token after invalidate() (a 401)', async () => {
    const tokens = new JwtTokens({ keyId: 'ABCDEF1234', issuerId: 'i', privateKey: key })
    await tokens.token()
    tokens.invalidate()
    await tokens.token()
    expect(tokens.signed).toBe(2)
  })

  it('refuses a lifetime Apple would reject', () => {
    expect(
      () => new JwtTokens({ keyId: 'K', privateKey: key }, { lifetimeMs: 20 * 60_000 })
    ).toThrow(/20 minutes/)
  })
})
