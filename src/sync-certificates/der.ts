// A small DER (ASN.1 Distinguished Encoding Rules) writer and reader: just what a PKCS#10 request,
// a PKCS#12 file and reading an X.509 certificate need. Values are built as Buffers, bottom up.

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31
} as const

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

/** One tag-length-value. */
export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), lengthBytes(content.length), content])
}

export const sequence = (...items: Buffer[]): Buffer => tlv(TAG.SEQUENCE, Buffer.concat(items))

/** A SET OF: DER sorts the encoded elements. */
export const set = (...items: Buffer[]): Buffer =>
  tlv(TAG.SET, Buffer.concat([...items].sort(Buffer.compare)))

export const nullValue = (): Buffer => Buffer.from([TAG.NULL, 0])
export const octetString = (b: Buffer): Buffer => tlv(TAG.OCTET_STRING, b)
export const utf8String = (s: string): Buffer => tlv(TAG.UTF8_STRING, Buffer.from(s, 'utf8'))
export const printableString = (s: string): Buffer =>
  tlv(TAG.PRINTABLE_STRING, Buffer.from(s, 'latin1'))
/** A bit string with no unused bits. */
export const bitString = (b: Buffer): Buffer =>
  tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), b]))

/** BMPString: UTF-16 big-endian (PKCS#12 friendlyName). */
export function bmpString(s: string): Buffer {
  const b = Buffer.from(s, 'utf16le')
  for (let i = 0; i + 1 < b.length; i += 2) [b[i], b[i + 1]] = [b[i + 1], b[i]]
  return tlv(TAG.BMP_STRING, b)
}

/** A non-negative INTEGER from a number, bigint or unsigned big-endian bytes. */
export function integer(value: number | bigint | Buffer): Buffer {
  let bytes: Buffer
  if (Buffer.isBuffer(value)) bytes = value
  else {
    let hex = BigInt(value).toString(16)
    if (hex.length % 2) hex = `0${hex}`
    bytes = Buffer.from(hex, 'hex')
  }
  let start = 0
  while (start < bytes.length - 1 && bytes[start] === 0 && bytes[start + 1] < 0x80) start++
  bytes = bytes.subarray(start)
  if (!bytes.length) bytes = Buffer.from([0])
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes])
  return tlv(TAG.INTEGER, bytes)
}

/** An OBJECT IDENTIFIER from its dotted form. */
export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map((p) => BigInt(p))
  const out: number[] = [Number(parts[0] * 40n + parts[1])]
  for (const part of parts.slice(2)) {
    const chunk: number[] = []
    let v = part
    do {
      chunk.unshift(Number(v & 0x7fn))
      v >>= 7n
    } while (v > 0n)
    for (let i = 0; i < chunk.length - 1; i++) chunk[i] |= 0x80
    out.push(...chunk)
  }
  return tlv(TAG.OID, Buffer.from(out))
}

/** `[n]` context-specific, constructed: EXPLICIT wrapping of `content`. */
export const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 | n, content)

/** `[n]` context-specific IMPLICIT, primitive (e.g. encryptedContent [0] OCTET STRING). */
export const implicitPrimitive = (n: number, content: Buffer): Buffer => tlv(0x80 | n, content)

/** UTCTime (years 1950–2049) or GeneralizedTime, to the second, in UTC. */
export function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) // YYYYMMDDhhmmss
  const year = date.getUTCFullYear()
  return year >= 1950 && year < 2050
    ? tlv(TAG.UTC_TIME, Buffer.from(`${iso.slice(2)}Z`, 'latin1'))
    : tlv(TAG.GENERALIZED_TIME, Buffer.from(`${iso}Z`, 'latin1'))
}

/** AlgorithmIdentifier: the OID and its parameters (NULL when none are given). */
export const algorithm = (dotted: string, params: Buffer = nullValue()): Buffer =>
  sequence(oid(dotted), params)

/** A Name of one RDN per attribute, in order: `[['2.5.4.3', 'CN value'], …]`. */
export function name(attributes: Array<[string, string]>): Buffer {
  return sequence(
    ...attributes.map(([type, value]) =>
      set(sequence(oid(type), type === '2.5.4.6' ? printableString(value) : utf8String(value)))
    )
  )
}

// ---- reading ----

export interface Node {
  tag: number
  /** The whole TLV. */
  raw: Buffer
  /** The value bytes. */
  content: Buffer
}

/** Reads the TLV at `offset`; throws on truncated or indefinite-length input. */
export function read(buf: Buffer, offset = 0): Node {
  if (offset + 2 > buf.length) throw new Error('DER: truncated')
  const tag = buf[offset]
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: multi-byte tags are not supported')
  let len = buf[offset + 1]
  let header = 2
  if (len & 0x80) {
    const n = len & 0x7f
    if (n === 0 || n > 4) throw new Error('DER: unsupported length')
    if (offset + 2 + n > buf.length) throw new Error('DER: truncated')
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + buf[offset + 2 + i]
    header += n
  }
  const end = offset + header + len
  if (end > buf.length) throw new Error('DER: truncated')
  return { tag, raw: buf.subarray(offset, end), content: buf.subarray(offset + header, end) }
}

/** The elements of a constructed value. */
export function children(node: Node): Node[] {
  const out: Node[] = []
  for (let at = 0; at < node.content.length;) {
    const child = read(node.content, at)
    out.push(child)
    at += child.raw.length
  }
  return out
}

/** Parses a whole buffer as one value (nothing may follow it). */
export function parse(buf: Buffer): Node {
  const node = read(buf)
  if (node.raw.length !== buf.length) throw new Error('DER: trailing bytes')
  return node
}

/** The dotted form of an OBJECT IDENTIFIER node. */
export function readOid(node: Node): string {
  if (node.tag !== TAG.OID) throw new Error('DER: not an OID')
  const b = node.content
  const parts: bigint[] = []
  let v = 0n
  for (const byte of b) {
    v = (v << 7n) | BigInt(byte & 0x7f)
    if (!(byte & 0x80)) {
      parts.push(v)
      v = 0n
    }
  }
  const first = parts.shift() ?? 0n
  const a = first < 80n ? first / 40n : 2n
  return [a, first - a * 40n, ...parts].join('.')
}

/** An INTEGER node as unsigned big-endian bytes (leading zero dropped). */
export function readInteger(node: Node): Buffer {
  if (node.tag !== TAG.INTEGER) throw new Error('DER: not an INTEGER')
  const b = node.content
  return b.length > 1 && b[0] === 0 ? b.subarray(1) : b
}
