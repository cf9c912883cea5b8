import { createPrivateKey, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { SignJWT } from 'jose'
import { ConfigurationError } from '../errors.js'
import { echo, mask } from '../inputs.js'

export const AUDIENCE = 'appstoreconnect-v1'

/**
 * Reads an App Store Connect `.p8` key given as PEM text, PEM with literal `\n`, base64 of the PEM,
 * or base64 of the DER body, and checks that it is an ES256 (P-256) private key. A bad key is a
 * ConfigurationError naming `input`, raised before any request.
 */
export function parsePrivateKey(text: string, input = 'private-key'): KeyObject {
  let pem = text.trim().replace(/\\n/g, '\n').replace(/\r\n/g, '\n')
  if (!pem.includes('-----BEGIN')) {
    const compact = pem.replace(/\s+/g, '')
    if (!/^[A-Za-z0-9+/=_-]+$/.test(compact))
      throw new ConfigurationError(
        'is not a private key: paste the whole .p8 file (-----BEGIN PRIVATE KEY----- …), or its base64.',
        input
      )
    const decoded = Buffer.from(compact, 'base64')
    const asText = decoded.toString('utf8')
    pem = asText.includes('-----BEGIN')
      ? asText.trim()
      : `-----BEGIN PRIVATE KEY-----\n${decoded.toString('base64')}\n-----END PRIVATE KEY-----`
  }
  mask(pem)
  let key: KeyObject
  try {
    key = createPrivateKey({ key: pem, format: 'pem' })
  } catch {
    throw new ConfigurationError(
      'could not be read as a private key: paste the whole .p8 file downloaded from App Store Connect (PEM text, PEM with \\n, or base64 of it).',
      input
    )
  }
  const curve = key.asymmetricKeyDetails?.namedCurve
  if (key.asymmetricKeyType !== 'ec' || (curve && curve !== 'prime256v1'))
    throw new ConfigurationError(
      `is a ${key.asymmetricKeyType ?? 'non-EC'} key; App Store Connect keys are EC P-256 (.p8 files from Users and Access > Integrations).`,
      input
    )
  return key
}

/** Reads the key from a file path (`private-key-path`). */
export function readPrivateKeyFile(path: string, input = 'private-key-path'): KeyObject {
  if (looksLikeKey(path)) {
    // The key itself given as a path: mask it and never echo it.
    mask(path.trim())
    throw new ConfigurationError(
      'looks like the key itself, not a path to it: give the key (from a secret) as private-key, or the path of the .p8 file here.',
      input
    )
  }
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new ConfigurationError(
      `cannot read '${echo(path)}' (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
      input
    )
  }
  return parsePrivateKey(text, input)
}

/** PEM text, or a long run of base64 with no path separator: key material, not a file name. */
function looksLikeKey(value: string): boolean {
  const v = value.trim()
  if (v.includes('-----BEGIN') || /PRIVATE KEY/.test(v)) return true
  return v.length >= 64 && /^[A-Za-z0-9+=_\s-]+$/.test(v) && !/\.p8$/i.test(v)
}

export interface Credentials {
  keyId: string
  /** The team's issuer ID; undefined for an individual key. */
  issuerId?: string
  privateKey: KeyObject
}

export interface TokenSource {
  /** A valid token: the cached one, or a new one when it is close to expiry. */
  token(): Promise<string>
  /** Forget the cached token (after a 401), so the next call signs a new one. */
  invalidate(): void
}

export interface TokenOptions {
  /** Token lifetime; Apple allows at most 20 minutes from `iat`. Default 10 minutes. */
  lifetimeMs?: number
  /** Renew when less than this remains. Default 2 minutes. */
  renewBeforeMs?: number
  /** `iat` is set this far in the past against clock skew. Default 60 s. */
  backdateMs?: number
  now?: () => number
}

/**
 * ES256 JWTs for App Store Connect: header `alg`, `kid`, `typ`; claims `aud`, `iat`, `exp`, and `iss`
 * for team keys or `sub: "user"` for individual keys. Tokens are cached, renewed before they expire
 * and masked as soon as they are made.
 */
export class JwtTokens implements TokenSource {
  private cached?: { token: string; expiresAt: number }
  private readonly lifetimeMs: number
  private readonly renewBeforeMs: number
  private readonly backdateMs: number
  private readonly now: () => number
  signed = 0

  constructor(
    private readonly credentials: Credentials,
    options: TokenOptions = {}
  ) {
    this.lifetimeMs = options.lifetimeMs ?? 10 * 60_000
    this.renewBeforeMs = options.renewBeforeMs ?? 2 * 60_000
    this.backdateMs = options.backdateMs ?? 60_000
    this.now = options.now ?? Date.now
    if (this.lifetimeMs + this.backdateMs > 20 * 60_000)
      throw new Error('A token may live at most 20 minutes from its iat')
  }

  async token(): Promise<string> {
    const now = this.now()
    if (this.cached && this.cached.expiresAt - now > this.renewBeforeMs) return this.cached.token
    const iat = Math.floor((now - this.backdateMs) / 1000)
    const exp = Math.floor((now + this.lifetimeMs) / 1000)
    const { keyId, issuerId, privateKey } = this.credentials
    const jwt = new SignJWT(issuerId ? {} : { sub: 'user' })
      .setProtectedHeader({ alg: 'ES256', kid: keyId, typ: 'JWT' })
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
    if (issuerId) jwt.setIssuer(issuerId)
    const token = await jwt.sign(privateKey)
    mask(token)
    // A server that echoes only part of the token (its signature) must not print it either.
    mask(token.slice(token.lastIndexOf('.') + 1))
    this.signed++
    this.cached = { token, expiresAt: exp * 1000 }
    return token
  }

  invalidate(): void {
    this.cached = undefined
  }
}
