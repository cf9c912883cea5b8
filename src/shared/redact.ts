const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g
/**
 * A key from its header to its footer, or a header followed by key material. Our own advice quotes
 * the bare header (`paste the whole .p8 file (-----BEGIN PRIVATE KEY----- …)`): that stays.
 */
const PEM =
  /-----BEGIN [A-Z ]*PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----|(?:\s|\\n)*[A-Za-z0-9+/=](?:[A-Za-z0-9+/=\s]|\\n){15,})/g

/**
 * A last line of defence behind masking: removes anything shaped like a JWT or a private key from a
 * message before it is printed (masking covers the values we know; this covers those we do not).
 */
export function redact(text: string): string {
  return text.replace(PEM, '[private key redacted]').replace(JWT, '[token redacted]')
}
