const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g
const PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g

/**
 * A last line of defence behind masking: removes anything shaped like a JWT or a private key from a
 * message before it is printed (masking covers the values we know; this covers those we do not).
 */
export function redact(text: string): string {
  return text.replace(PEM, '[private key redacted]').replace(JWT, '[token redacted]')
}
