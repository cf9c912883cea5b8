import { open, type FileHandle } from 'node:fs/promises'
import { inflateRawSync } from 'node:zlib'

/**
 * A small, read-only zip reader for what an .ipa needs: list the central directory (zip64 too) and
 * extract one small entry, reading only the bytes it needs (an archive may be gigabytes).
 */
export interface ZipEntry {
  name: string
  method: number
  compressedSize: number
  size: number
  localHeaderOffset: number
}

export class ZipError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ZipError'
  }
}

const EOCD = 0x06054b50
const ZIP64_LOCATOR = 0x07064b50
const ZIP64_EOCD = 0x06064b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50
/** The most an entry may inflate to by default: an Info.plist is a few KiB. */
export const MAX_ENTRY = 4 * 1024 * 1024

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length)
  let done = 0
  while (done < length) {
    const { bytesRead } = await file.read(buf, done, length - done, position + done)
    if (!bytesRead) break
    done += bytesRead
  }
  return buf.subarray(0, done)
}

export class ZipReader {
  private constructor(
    private readonly file: FileHandle,
    readonly entries: ZipEntry[]
  ) {}

  static async open(path: string): Promise<ZipReader> {
    const file = await open(path, 'r')
    try {
      return new ZipReader(file, await readCentralDirectory(file))
    } catch (e) {
      await file.close()
      throw e
    }
  }

  /**
   * The uncompressed bytes of one entry (stored or deflated), at most `maxBytes`: inflating stops at
   * the cap whatever the entry's declared size says, so a zip bomb costs no more than the cap.
   */
  async read(entry: ZipEntry, maxBytes = MAX_ENTRY): Promise<Buffer> {
    const tooLarge = () =>
      new ZipError(
        `${entry.name} is larger than ${maxBytes / (1 << 20)} MiB once inflated, far more than such a file ever is`
      )
    // Deflate never grows data by more than a few bytes per 16 KiB block.
    if (entry.size > maxBytes || entry.compressedSize > maxBytes + (maxBytes >> 10) + 1024)
      throw tooLarge()
    const header = await readAt(this.file, entry.localHeaderOffset, 30)
    if (header.length < 30 || header.readUInt32LE(0) !== LOCAL)
      throw new ZipError(`the local header of ${entry.name} is missing`)
    const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28)
    const raw = await readAt(this.file, start, entry.compressedSize)
    if (raw.length < entry.compressedSize) throw new ZipError(`${entry.name} is truncated`)
    if (entry.method === 0) return raw
    if (entry.method === 8) {
      try {
        return inflateRawSync(raw, { maxOutputLength: maxBytes })
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge()
        throw new ZipError(`${entry.name} cannot be inflated: ${(e as Error).message}`)
      }
    }
    throw new ZipError(
      `${entry.name} uses compression method ${entry.method}, which is not supported`
    )
  }

  async close(): Promise<void> {
    await this.file.close()
  }
}

async function readCentralDirectory(file: FileHandle): Promise<ZipEntry[]> {
  const { size } = await file.stat()
  if (size < 22) throw new ZipError('the file is too small to be a zip archive')
  const tailLength = Math.min(size, 22 + 0xffff + 20)
  const tailStart = size - tailLength
  const tail = await readAt(file, tailStart, tailLength)
  let at = -1
  for (let i = tail.length - 22; i >= 0; i--)
    if (tail.readUInt32LE(i) === EOCD) {
      at = i
      break
    }
  if (at < 0) throw new ZipError('no end of central directory: not a zip archive')
  let count = tail.readUInt16LE(at + 10)
  let cdSize = tail.readUInt32LE(at + 12)
  let cdOffset = tail.readUInt32LE(at + 16)
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = at - 20
    if (loc < 0 || tail.readUInt32LE(loc) !== ZIP64_LOCATOR)
      throw new ZipError('zip64 locator missing')
    const z64At = Number(tail.readBigUInt64LE(loc + 8))
    const z64 = await readAt(file, z64At, 56)
    if (z64.readUInt32LE(0) !== ZIP64_EOCD)
      throw new ZipError('zip64 end of central directory missing')
    count = Number(z64.readBigUInt64LE(32))
    cdSize = Number(z64.readBigUInt64LE(40))
    cdOffset = Number(z64.readBigUInt64LE(48))
  }
  if (cdOffset + cdSize > size) throw new ZipError('the central directory lies outside the file')
  const cd = await readAt(file, cdOffset, cdSize)
  const entries: ZipEntry[] = []
  let p = 0
  for (let n = 0; n < count; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL)
      throw new ZipError('the central directory is corrupt')
    const flags = cd.readUInt16LE(p + 8)
    const method = cd.readUInt16LE(p + 10)
    let compressedSize = cd.readUInt32LE(p + 20)
    let entrySize = cd.readUInt32LE(p + 24)
    const nameLength = cd.readUInt16LE(p + 28)
    const extraLength = cd.readUInt16LE(p + 30)
    const commentLength = cd.readUInt16LE(p + 32)
    let localHeaderOffset = cd.readUInt32LE(p + 42)
    const nameBytes = cd.subarray(p + 46, p + 46 + nameLength)
    const name = nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1')
    // zip64 extended information: only the fields whose 32-bit value is saturated, in this order.
    let e = p + 46 + nameLength
    const extraEnd = e + extraLength
    while (e + 4 <= extraEnd) {
      const id = cd.readUInt16LE(e)
      const len = cd.readUInt16LE(e + 2)
      if (id === 0x0001) {
        let f = e + 4
        if (entrySize === 0xffffffff) {
          entrySize = Number(cd.readBigUInt64LE(f))
          f += 8
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = Number(cd.readBigUInt64LE(f))
          f += 8
        }
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = Number(cd.readBigUInt64LE(f))
      }
      e += 4 + len
    }
    entries.push({ name, method, compressedSize, size: entrySize, localHeaderOffset })
    p = extraEnd + commentLength
  }
  return entries
}
