import { ConfigurationError } from '../errors.js'
import { echo, type Inputs } from '../inputs.js'
import { parsePrivateKey, readPrivateKeyFile, JwtTokens, type Credentials } from './auth.js'
import { AscClient, type ClientOptions } from './client.js'

export const DEFAULT_BASE_URL = 'https://api.appstoreconnect.apple.com'

/** The inputs every entry point shares: who we are and where App Store Connect is. */
export interface ConnectionSettings {
  credentials: Credentials
  baseUrl: URL
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i

/** `https:` always; `http:` only for a loopback host (the fake App Store Connect, a local proxy). */
export function parseBaseUrl(text: string, input = 'api-base-url'): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new ConfigurationError(
      `'${echo(text)}' is not a URL; leave it empty for ${DEFAULT_BASE_URL}.`,
      input
    )
  }
  if (url.username || url.password)
    throw new ConfigurationError('must not carry a user name or password.', input)
  if (url.protocol === 'https:') return url
  if (url.protocol === 'http:' && LOOPBACK.test(url.hostname)) return url
  throw new ConfigurationError(
    `'${echo(url.origin)}' is refused: the API key's tokens go only over https (plain http is allowed for a loopback host such as 127.0.0.1).`,
    input
  )
}

export function readConnectionSettings(inputs: Inputs): ConnectionSettings {
  const keyId = inputs.optional('key-id', 'APP_STORE_CONNECT_KEY_ID')
  const issuerId = inputs.optional('issuer-id', 'APP_STORE_CONNECT_ISSUER_ID')
  const keyText = inputs.secret('private-key', 'APP_STORE_CONNECT_PRIVATE_KEY')
  const keyPath = inputs.optional('private-key-path')
  const base = inputs.optional('api-base-url', 'APP_STORE_CONNECT_API_BASE_URL') ?? DEFAULT_BASE_URL
  if (!keyId)
    throw new ConfigurationError(
      'is required: the ID of your API key (App Store Connect > Users and Access > Integrations), e.g. from a secret, or set APP_STORE_CONNECT_KEY_ID.',
      'key-id'
    )
  if (!/^[A-Za-z0-9]{6,20}$/.test(keyId))
    throw new ConfigurationError(
      `'${echo(keyId)}' does not look like an API key ID (10 letters and digits, e.g. 2X9R4HXF34).`,
      'key-id'
    )
  if (issuerId && !/^[0-9a-fA-F-]{8,64}$/.test(issuerId))
    throw new ConfigurationError(
      `'${echo(issuerId)}' does not look like an issuer ID (a UUID such as 57246542-96fe-1a63-e053-0824d011072a).`,
      'issuer-id'
    )
  if (keyText && keyPath)
    throw new ConfigurationError(
      'give either private-key or private-key-path, not both.',
      'private-key-path'
    )
  if (!keyText && !keyPath)
    throw new ConfigurationError(
      'is required: the contents of your .p8 key (from a secret), or set private-key-path or APP_STORE_CONNECT_PRIVATE_KEY.',
      'private-key'
    )
  const privateKey = keyText ? parsePrivateKey(keyText) : readPrivateKeyFile(keyPath!)
  return { credentials: { keyId, issuerId, privateKey }, baseUrl: parseBaseUrl(base) }
}

/** The client for an entry point: one token source, one rate limiter, shared by every request. */
export function createClient(
  connection: ConnectionSettings,
  agent: string,
  options: Partial<ClientOptions> = {}
): AscClient {
  return new AscClient({
    baseUrl: connection.baseUrl,
    tokens: new JwtTokens(connection.credentials),
    agent,
    ...options
  })
}
