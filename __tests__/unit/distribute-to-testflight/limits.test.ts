import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import {
  parseBinaryPlist,
  parseXmlPlist,
  PLIST_LIMITS
} from '../../../src/distribute-to-testflight/plist.js'
import { ZipReader } from '../../../src/distribute-to-testflight/zip.js'
import { readArchive } from '../../../src/distribute-to-testflight/archive.js'
import { ConfigurationError } from '../../../src/shared/errors.js'
import {
  sharedChildrenPlist,
  zeroBombStream,
  zipWithDeflated
} from '../../../tools/fixtures/bombs.js'
import { pkgBytes, zipArchive } from '../../../tools/fixtures/testflight.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tf-limits-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('property list limits', () => {
  it('refuses a binary plist whose shared children would expand beyond the cap', () => {
    expect(() => parseBinaryPlist(sharedChildrenPlist(34))).toThrow(
      `expands to more than ${PLIST_LIMITS.expanded} values`
    )
  })

  it('still reads shared children that expand modestly', () => {
    const tree = (n: number): unknown => (n === 0 ? '' : [tree(n - 1), tree(n - 1)])
    expect(parseBinaryPlist(sharedChildrenPlist(4))).toEqual(tree(4))
  })

  it('refuses a binary plist nested deeper than the cap', () => {
    // A chain of single-child arrays 70 deep: 70 objects, no sharing, only depth.
    const chain = sharedChildrenPlist(70)
    for (let i = 0; i < 70; i++) chain[8 + i * 3] = 0xa1 // each array holds one ref
    expect(() => parseBinaryPlist(chain)).toThrow('nests deeper than 64 levels')
  })

  it('refuses a binary plist that claims more objects than the cap', () => {
    const buf = sharedChildrenPlist(2)
    const trailer = buf.length - 32
    // A table too large to be real: the check on the trailer's count comes first.
    buf.writeBigUInt64BE(BigInt(PLIST_LIMITS.objects + 1), trailer + 8)
    buf.writeBigUInt64BE(0n, trailer + 24)
    expect(() =>
      parseBinaryPlist(Buffer.concat([buf.subarray(0, 8), Buffer.alloc(200_100), buf.subarray(8)]))
    ).toThrow(/has 100001 objects, more than the 100000 allowed/)
  })

  it('refuses a length that runs past the end of the data', () => {
    // An array claiming 2^32 refs (0xAF, int marker 0x12, 4-byte length).
    const objects = Buffer.from([0xaf, 0x12, 0xff, 0xff, 0xff, 0xff])
    const header = Buffer.from('bplist00', 'latin1')
    const trailer = Buffer.alloc(32)
    trailer[6] = 1
    trailer[7] = 1
    trailer.writeBigUInt64BE(1n, 8)
    trailer.writeBigUInt64BE(BigInt(header.length + objects.length), 24)
    const buf = Buffer.concat([header, objects, Buffer.from([8]), Buffer.alloc(25), trailer])
    buf.writeBigUInt64BE(BigInt(header.length + objects.length), buf.length - 8)
    expect(() => parseBinaryPlist(buf)).toThrow('length beyond its end')
  })

  it('refuses XML nested deeper than the cap', () => {
    const xml = `<plist>${'<array>'.repeat(65)}${'</array>'.repeat(65)}</plist>`
    expect(() => parseXmlPlist(xml)).toThrow('nests deeper than 64 levels')
    const ok = `<plist>${'<array>'.repeat(64)}${'</array>'.repeat(64)}</plist>`
    expect(() => parseXmlPlist(ok)).not.toThrow()
  })

  it('refuses XML with more elements than the cap', () => {
    const xml = `<plist><array>${'<true/>'.repeat(PLIST_LIMITS.objects * 4)}</array></plist>`
    expect(() => parseXmlPlist(xml)).toThrow('more than 100000 elements')
  })
})

describe('inflation caps', () => {
  it('stops inflating a zip entry at the cap whatever its headers claim', async () => {
    const path = join(dir, 'bomb.zip')
    writeFileSync(path, zipWithDeflated('Info.plist', zeroBombStream(64), 4096))
    const zip = await ZipReader.open(path)
    try {
      expect(zip.entries[0]).toMatchObject({ name: 'Info.plist', size: 4096 })
      await expect(zip.read(zip.entries[0])).rejects.toThrow(
        'Info.plist is larger than 4 MiB once inflated'
      )
      await expect(zip.read(zip.entries[0], 128 << 20)).resolves.toHaveLength(64 << 20)
    } finally {
      await zip.close()
    }
  })

  it('refuses an .ipa whose Info.plist is a bomb, naming ipa-path', async () => {
    const path = join(dir, 'Bomb.ipa')
    writeFileSync(path, zipWithDeflated('Payload/A.app/Info.plist', zeroBombStream(16), 100))
    const error = await readArchive(path).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as ConfigurationError).input).toBe('ipa-path')
    expect((error as Error).message).toMatch(/larger than 4 MiB once inflated/)
  })

  it('refuses an .ipa whose Info.plist expands exponentially, naming ipa-path', async () => {
    const path = join(dir, 'Shared.ipa')
    writeFileSync(path, zipArchive({ 'Payload/A.app/Info.plist': sharedChildrenPlist(34) }))
    const error = await readArchive(path).catch((e: unknown) => e)
    expect((error as ConfigurationError).input).toBe('ipa-path')
    expect((error as Error).message).toMatch(/unreadable Payload\/A.app\/Info.plist .*expands/)
  })

  it('refuses a .pkg whose PackageInfo inflates beyond the cap, naming ipa-path', async () => {
    const path = join(dir, 'Bomb.pkg')
    writeFileSync(path, pkgBytes({ packedInfo: deflateSync(Buffer.alloc(32 << 20)) }))
    const error = await readArchive(path).catch((e: unknown) => e)
    expect((error as ConfigurationError).input).toBe('ipa-path')
    expect((error as Error).message).toMatch(/PackageInfo larger than 4 MiB once inflated/)
  })
})
