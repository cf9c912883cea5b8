// API keys and JWT checks, as App Store Connect does them: ES256, `kid` of a known key,
// `typ: JWT`, `aud: appstoreconnect-v1`, `exp` in the future and at most 20 minutes after `iat`
// (and after now); team keys carry `iss` (the issuer ID), individual keys `sub: "user"` and no `iss`.
import { createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto'
import { decodeProtectedHeader, importPKCS8, jwtVerify, SignJWT, errors as joseErrors } from 'jose'

export interface TestKey {
  keyId: string
  /** the team's issuer ID; undefined for an individual key */
  issuerId?: string
  /** PEM, PKCS#8 (what a `.p8` file holds) */
  privateKey: string
  publicKey: KeyObject
  individual: boolean
  /** 403 FORBIDDEN_ERROR for anything but GET (a key with a restricted role) */
  readOnly: boolean
  /** further refusals: return true to answer 403 */
  forbid?: (method: string, path: string) => boolean
  /** label for logs */
  name: string
}

export interface AddKeyOptions {
  individual?: boolean
  readOnly?: boolean
  forbid?: (method: string, path: string) => boolean
  keyId?: string
  issuerId?: string
  /** label for logs (alias: name) */
  label?: string
  name?: string
}

const KEY_ID_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

function randomKeyId(): string {
  let s = ''
  for (let i = 0; i < 10; i++) s += KEY_ID_CHARS[Math.floor(Math.random() * KEY_ID_CHARS.length)]
  return s
}

export function generateTestKey(opts: AddKeyOptions = {}): TestKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
  const individual = Boolean(opts.individual)
  return {
    keyId: opts.keyId ?? randomKeyId(),
    issuerId: individual ? undefined : (opts.issuerId ?? randomUUID()),
    privateKey: pem,
    publicKey: createPublicKey(privateKey),
    individual,
    readOnly: Boolean(opts.readOnly),
    forbid: opts.forbid,
    name: opts.label ?? opts.name ?? (individual ? 'individual' : 'team')
  }
}

/**
 * Signs a token for a test key the way a correct client does. `overrides` change claims (`aud`,
 * `exp`, `iat`, …: a value of undefined removes the claim) or the header (`header.kid`, `header.typ`).
 */
export async function signToken(
  key: TestKey,
  overrides: Record<string, unknown> & { header?: Record<string, unknown> } = {},
  now: number = Date.now()
): Promise<string> {
  const iat = Math.floor(now / 1000)
  const claims: Record<string, unknown> = {
    aud: 'appstoreconnect-v1',
    iat,
    exp: iat + 600
  }
  if (key.individual) claims.sub = 'user'
  else claims.iss = key.issuerId
  const { header: headerOverrides, ...claimOverrides } = overrides
  for (const [k, v] of Object.entries(claimOverrides)) {
    if (v === undefined) delete claims[k]
    else claims[k] = v
  }
  const header = { alg: 'ES256', kid: key.keyId, typ: 'JWT', ...(headerOverrides ?? {}) }
  const pk = await importPKCS8(key.privateKey, 'ES256')
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(pk)
}

export type AuthResult = { ok: true; key: TestKey } | { ok: false; detail: string }

const MAX_LIFETIME = 20 * 60

/** Checks a bearer token. */
export async function verifyToken(
  token: string,
  keys: Map<string, TestKey>,
  nowMs: number,
  isRevoked: (token: string, iat: number) => boolean
): Promise<AuthResult> {
  let header: ReturnType<typeof decodeProtectedHeader>
  try {
    header = decodeProtectedHeader(token)
  } catch {
    return { ok: false, detail: 'The token is not a JWT.' }
  }
  if (header.alg !== 'ES256')
    return { ok: false, detail: `The token's algorithm must be ES256, not ${String(header.alg)}.` }
  if (header.typ !== 'JWT') return { ok: false, detail: "The token's header must have typ: JWT." }
  if (typeof header.kid !== 'string') return { ok: false, detail: "The token's header has no kid." }
  const key = keys.get(header.kid)
  if (!key) return { ok: false, detail: `The key ID '${header.kid}' is unknown or revoked.` }
  let payload: Record<string, unknown>
  try {
    const result = await jwtVerify(token, key.publicKey, {
      algorithms: ['ES256'],
      audience: 'appstoreconnect-v1',
      currentDate: new Date(nowMs),
      requiredClaims: ['exp', 'iat']
    })
    payload = result.payload as Record<string, unknown>
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) return { ok: false, detail: 'The token has expired.' }
    if (e instanceof joseErrors.JWTClaimValidationFailed) {
      return { ok: false, detail: `The token's '${e.claim}' claim is not valid: ${e.reason}.` }
    }
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) {
      return { ok: false, detail: 'The token signature is not valid for this key.' }
    }
    return { ok: false, detail: `The token is not valid: ${(e as Error).message}` }
  }
  const iat = Number(payload.iat)
  const exp = Number(payload.exp)
  const now = Math.floor(nowMs / 1000)
  if (exp - iat > MAX_LIFETIME) {
    return {
      ok: false,
      detail: `The token lives ${exp - iat} s; at most ${MAX_LIFETIME} s (20 minutes) is allowed.`
    }
  }
  if (exp - now > MAX_LIFETIME + 60) {
    return { ok: false, detail: 'The token expires more than 20 minutes from now.' }
  }
  if (key.individual) {
    if (payload.sub !== 'user')
      return { ok: false, detail: 'An individual key\'s token needs sub: "user".' }
    if (payload.iss !== undefined)
      return { ok: false, detail: "An individual key's token must not have iss." }
  } else if (payload.iss !== key.issuerId) {
    return { ok: false, detail: "The token's iss is not the issuer ID of this key." }
  }
  if (isRevoked(token, iat)) return { ok: false, detail: 'The token has been revoked.' }
  return { ok: true, key }
}

/** Apple's optional `scope` claim: a list like ["GET /v1/apps?filter[platform]=IOS"]. */
export function scopeAllows(token: string, method: string, pathAndQuery: string): boolean {
  const parts = token.split('.')
  let payload: { scope?: unknown }
  try {
    payload = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'))
  } catch {
    return true
  }
  if (!Array.isArray(payload.scope)) return true
  const path = pathAndQuery.split('?')[0]
  return payload.scope.some((s) => {
    const [m, target] = String(s).split(' ')
    if (!m || !target || m.toUpperCase() !== method.toUpperCase()) return false
    return target === pathAndQuery || target === path
  })
}
