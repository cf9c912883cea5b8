/**
 * Property lists as found in an app's Info.plist: XML (`<?xml … <plist>`) and binary (`bplist00`).
 * Values become plain JavaScript: dict -> object, array -> array, string, number (integers beyond
 * 2^53 as bigint), boolean, Date, Buffer (data), null.
 */
export type PlistValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | Buffer
  | null
  | PlistValue[]
  | { [key: string]: PlistValue }

export class PlistError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PlistError'
  }
}

/** What a property list may hold before it is refused: an Info.plist has a few hundred objects. */
export const PLIST_LIMITS = {
  /** Objects in a binary plist's table, or elements in an XML one. */
  objects: 100_000,
  /** Nesting of arrays and dictionaries. */
  depth: 64,
  /** Values produced once shared children are expanded (a binary plist may refer to one object many times). */
  expanded: 200_000
}

/** Parses either kind, chosen by the leading bytes. */
export function parsePlist(bytes: Buffer): PlistValue {
  if (bytes.subarray(0, 6).toString('latin1') === 'bplist') return parseBinaryPlist(bytes)
  return parseXmlPlist(bytes.toString('utf8'))
}

// ---------------------------------------------------------------- binary

/** Apple's binary property list, format `bplist00`. */
export function parseBinaryPlist(buf: Buffer): PlistValue {
  if (buf.length < 40 || buf.subarray(0, 8).toString('latin1') !== 'bplist00')
    throw new PlistError('not a binary property list (bplist00)')
  const trailer = buf.subarray(buf.length - 32)
  const offsetSize = trailer[6]
  const refSize = trailer[7]
  const numObjects = Number(trailer.readBigUInt64BE(8))
  const topObject = Number(trailer.readBigUInt64BE(16))
  const tableOffset = Number(trailer.readBigUInt64BE(24))
  if (!offsetSize || !refSize || tableOffset + numObjects * offsetSize > buf.length - 32)
    throw new PlistError('binary property list has a broken trailer')
  if (numObjects > PLIST_LIMITS.objects)
    throw new PlistError(
      `binary property list has ${numObjects} objects, more than the ${PLIST_LIMITS.objects} allowed`
    )
  let expanded = 0

  const uint = (at: number, size: number): number => {
    if (at + size > buf.length) throw new PlistError('binary property list is truncated')
    let n = 0
    for (let i = 0; i < size; i++) n = n * 256 + buf[at + i]
    return n
  }
  const offsets = Array.from({ length: numObjects }, (_, i) =>
    uint(tableOffset + i * offsetSize, offsetSize)
  )
  const depth = new Set<number>()

  const readObject = (ref: number): PlistValue => {
    if (ref >= numObjects)
      throw new PlistError(`binary property list refers to object ${ref} of ${numObjects}`)
    if (depth.has(ref)) throw new PlistError('binary property list contains a cycle')
    if (depth.size >= PLIST_LIMITS.depth)
      throw new PlistError(`binary property list nests deeper than ${PLIST_LIMITS.depth} levels`)
    if (++expanded > PLIST_LIMITS.expanded)
      throw new PlistError(
        `binary property list expands to more than ${PLIST_LIMITS.expanded} values (shared objects referred to over and over)`
      )
    depth.add(ref)
    try {
      return readAt(offsets[ref])
    } finally {
      depth.delete(ref)
    }
  }

  /** The length of a string/data/array/dict: the low nibble, or a following int object when 0xF. */
  const lengthAt = (at: number, unit = 1): [length: number, start: number] => {
    const low = buf[at] & 0x0f
    if (low !== 0x0f) return [low, at + 1]
    const marker = buf[at + 1]
    if (marker >> 4 !== 0x1) throw new PlistError('binary property list has a bad length marker')
    const size = 1 << (marker & 0x0f)
    const length = uint(at + 2, size)
    if (at + 2 + size + length * unit > buf.length)
      throw new PlistError('binary property list has a length beyond its end')
    return [length, at + 2 + size]
  }

  const readAt = (at: number): PlistValue => {
    const marker = buf[at]
    const kind = marker >> 4
    switch (kind) {
      case 0x0:
        if (marker === 0x08) return false
        if (marker === 0x09) return true
        return null
      case 0x1: {
        const size = 1 << (marker & 0x0f)
        if (size === 16) return buf.readBigInt64BE(at + 9) // 128-bit ints: the low 64 bits
        if (size === 8) {
          const big = buf.readBigInt64BE(at + 1)
          return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(big)
            : big
        }
        return uint(at + 1, size)
      }
      case 0x2: {
        const size = 1 << (marker & 0x0f)
        return size === 4 ? buf.readFloatBE(at + 1) : buf.readDoubleBE(at + 1)
      }
      case 0x3:
        return new Date(Date.UTC(2001, 0, 1) + buf.readDoubleBE(at + 1) * 1000)
      case 0x4: {
        const [len, start] = lengthAt(at)
        return Buffer.from(buf.subarray(start, start + len))
      }
      case 0x5: {
        const [len, start] = lengthAt(at)
        return buf.subarray(start, start + len).toString('latin1')
      }
      case 0x6: {
        const [len, start] = lengthAt(at, 2)
        const bytes = Buffer.from(buf.subarray(start, start + len * 2))
        return bytes.swap16().toString('utf16le')
      }
      case 0x8: {
        const size = (marker & 0x0f) + 1
        return uint(at + 1, size)
      }
      case 0xa:
      case 0xc: {
        const [len, start] = lengthAt(at, refSize)
        return Array.from({ length: len }, (_, i) => readObject(uint(start + i * refSize, refSize)))
      }
      case 0xd: {
        const [len, start] = lengthAt(at, refSize * 2)
        const out: Record<string, PlistValue> = {}
        for (let i = 0; i < len; i++) {
          const key = readObject(uint(start + i * refSize, refSize))
          if (typeof key !== 'string')
            throw new PlistError('binary property list has a non-string key')
          out[key] = readObject(uint(start + (len + i) * refSize, refSize))
        }
        return out
      }
      default:
        throw new PlistError(
          `binary property list has an unknown object type 0x${marker.toString(16)}`
        )
    }
  }
  return readObject(topObject)
}

// ---------------------------------------------------------------- XML

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#')
      return String.fromCodePoint(
        name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : Number(name.slice(1))
      )
    return ENTITIES[name.toLowerCase()] ?? whole
  })
}

interface Token {
  kind: 'open' | 'close' | 'empty' | 'text'
  name: string
  text: string
}

function* tokens(xml: string): Generator<Token> {
  const re =
    /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([A-Za-z_][\w.-]*)[^>]*?(\/?)>|([^<]+)/g
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    if (m[1] !== undefined) yield { kind: 'text', name: '', text: m[1] }
    else if (m[3]) yield { kind: m[2] ? 'close' : m[4] ? 'empty' : 'open', name: m[3], text: '' }
    else if (m[5] !== undefined) yield { kind: 'text', name: '', text: decodeEntities(m[5]) }
  }
}

/** An XML property list (Apple's plist DTD). */
export function parseXmlPlist(xml: string): PlistValue {
  const list: Token[] = []
  for (const t of tokens(xml)) {
    if (list.length >= PLIST_LIMITS.objects * 4)
      throw new PlistError(
        `property list has more than ${PLIST_LIMITS.objects} elements, far more than an Info.plist`
      )
    list.push(t)
  }
  let i = 0
  let nesting = 0
  const skipBlank = () => {
    while (i < list.length && list[i].kind === 'text' && !list[i].text.trim()) i++
  }
  const textUntil = (name: string): string => {
    let text = ''
    while (i < list.length && !(list[i].kind === 'close' && list[i].name === name)) {
      if (list[i].kind !== 'text')
        throw new PlistError(`unexpected <${list[i].name}> inside <${name}>`)
      text += list[i++].text
    }
    if (i >= list.length) throw new PlistError(`<${name}> is not closed`)
    i++
    return text
  }
  const value = (): PlistValue => {
    skipBlank()
    const t = list[i++]
    if (!t) throw new PlistError('property list ends early')
    if (t.kind === 'empty') {
      switch (t.name) {
        case 'true':
          return true
        case 'false':
          return false
        case 'string':
          return ''
        case 'array':
          return []
        case 'dict':
          return {}
        case 'data':
          return Buffer.alloc(0)
        default:
          throw new PlistError(`unexpected <${t.name}/>`)
      }
    }
    if (t.kind !== 'open')
      throw new PlistError(`unexpected ${t.kind === 'close' ? `</${t.name}>` : 'text'}`)
    switch (t.name) {
      case 'string':
        return textUntil('string')
      case 'integer': {
        const text = textUntil('integer').trim()
        if (!/^[+-]?\d+$/.test(text)) throw new PlistError(`'${text}' is not an integer`)
        const n = Number(text)
        return Number.isSafeInteger(n) ? n : BigInt(text)
      }
      case 'real':
        return Number(textUntil('real').trim())
      case 'date':
        return new Date(textUntil('date').trim())
      case 'data':
        return Buffer.from(textUntil('data').replace(/\s+/g, ''), 'base64')
      case 'true':
      case 'false':
        textUntil(t.name)
        return t.name === 'true'
      case 'array': {
        const out: PlistValue[] = []
        if (++nesting > PLIST_LIMITS.depth)
          throw new PlistError(`property list nests deeper than ${PLIST_LIMITS.depth} levels`)
        for (;;) {
          skipBlank()
          if (list[i]?.kind === 'close' && list[i].name === 'array') {
            i++
            nesting--
            return out
          }
          if (i >= list.length) throw new PlistError('<array> is not closed')
          out.push(value())
        }
      }
      case 'dict': {
        const out: Record<string, PlistValue> = {}
        if (++nesting > PLIST_LIMITS.depth)
          throw new PlistError(`property list nests deeper than ${PLIST_LIMITS.depth} levels`)
        for (;;) {
          skipBlank()
          const k = list[i]
          if (!k) throw new PlistError('<dict> is not closed')
          if (k.kind === 'close' && k.name === 'dict') {
            i++
            nesting--
            return out
          }
          if (k.kind !== 'open' || k.name !== 'key')
            throw new PlistError(`expected <key> in <dict>, found <${k.name || 'text'}>`)
          i++
          const key = textUntil('key')
          out[key] = value()
        }
      }
      case 'plist': {
        const v = value()
        skipBlank()
        return v
      }
      default:
        throw new PlistError(`unknown element <${t.name}>`)
    }
  }
  skipBlank()
  if (!list.length) throw new PlistError('empty property list')
  return value()
}
