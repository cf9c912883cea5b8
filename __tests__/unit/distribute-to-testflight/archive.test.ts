import { describe, expect, it, beforeAll, afterAll } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  parseBinaryPlist,
  parsePlist,
  parseXmlPlist
} from '../../../src/distribute-to-testflight/plist.js'
import { ZipReader } from '../../../src/distribute-to-testflight/zip.js'
import { readArchive } from '../../../src/distribute-to-testflight/archive.js'
import {
  binaryPlist,
  infoPlist,
  ipaBytes,
  pkgBytes,
  xmlPlist,
  zipArchive
} from '../../../tools/fixtures/testflight.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tf-archive-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('property lists', () => {
  const value = {
    CFBundleIdentifier: 'com.example.app',
    n: 42,
    ok: true,
    no: false,
    list: ['a', 'ü€'],
    nested: { deep: [1, 2] }
  }

  it('reads an XML plist with entities, comments and empty elements', () => {
    const xml = xmlPlist({ ...value, name: 'A & B <c>' }).replace(
      '<dict>',
      '<dict>\n<!-- a comment -->\n<key>empty</key><string/>'
    )
    expect(parseXmlPlist(xml)).toEqual({ ...value, name: 'A & B <c>', empty: '' })
  })

  it('reads a binary plist, ASCII and UTF-16 strings', () => {
    expect(parseBinaryPlist(binaryPlist(value))).toEqual(value)
  })

  it('chooses the parser by the leading bytes', () => {
    expect(parsePlist(binaryPlist(value))).toEqual(parsePlist(Buffer.from(xmlPlist(value))))
  })

  it('reads reals, dates and data in XML', () => {
    const xml =
      '<plist><dict><key>r</key><real>1.5</real><key>d</key><date>2024-01-02T03:04:05Z</date><key>b</key><data>aGVsbG8=</data></dict></plist>'
    const v = parseXmlPlist(xml) as Record<string, unknown>
    expect(v.r).toBe(1.5)
    expect((v.d as Date).toISOString()).toBe('2024-01-02T03:04:05.000Z')
    expect((v.b as Buffer).toString()).toBe('hello')
  })

  it('refuses broken documents with a reason', () => {
    expect(() => parseXmlPlist('<plist><dict><key>a</key><string>x</dict></plist>')).toThrow(
      /string/
    )
    expect(() => parseXmlPlist('<plist><dict><string>x</string></dict></plist>')).toThrow(
      /expected <key>/
    )
    expect(() => parseBinaryPlist(Buffer.from('bplist00 short'))).toThrow(
      /not a binary property list|trailer/
    )
  })
})

describe('zip reader', () => {
  it('lists and extracts stored and deflated entries', async () => {
    const path = join(dir, 'a.zip')
    writeFileSync(path, zipArchive({ 'a.txt': 'hello', 'dir/b.bin': Buffer.alloc(10000, 7) }))
    const zip = await ZipReader.open(path)
    expect(zip.entries.map((e) => e.name)).toEqual(['a.txt', 'dir/b.bin'])
    expect((await zip.read(zip.entries[0])).toString()).toBe('hello')
    expect(await zip.read(zip.entries[1])).toEqual(Buffer.alloc(10000, 7))
    await zip.close()
  })

  it('reads archives made by the zip command (when installed)', async () => {
    if (!existsSync('/usr/bin/zip')) return
    const src = join(dir, 'src')
    mkdirSync(join(src, 'Payload', 'X.app'), { recursive: true })
    writeFileSync(
      join(src, 'Payload', 'X.app', 'Info.plist'),
      xmlPlist(infoPlist({ buildNumber: '99' }))
    )
    execFileSync('zip', ['-qr', join(dir, 'cmd.ipa'), 'Payload'], { cwd: src })
    const info = await readArchive(join(dir, 'cmd.ipa'))
    expect(info).toMatchObject({
      bundleId: 'com.example.app',
      version: '1.2.0',
      buildNumber: '99',
      platform: 'IOS'
    })
  })

  it('refuses a file that is not a zip', async () => {
    const path = join(dir, 'not.zip')
    writeFileSync(path, 'just text, no archive here')
    await expect(ZipReader.open(path)).rejects.toThrow(/not a zip archive/)
  })
})

describe('readArchive', () => {
  it.each([
    ['XML', false],
    ['binary', true]
  ])('reads an .ipa with a %s Info.plist', async (_kind, binary) => {
    const path = join(dir, `app-${binary}.ipa`)
    writeFileSync(
      path,
      ipaBytes({ binary, buildNumber: '7', version: '3.1', platform: 'AppleTVOS' })
    )
    expect(await readArchive(path)).toMatchObject({
      kind: 'ipa',
      fileName: `app-${binary}.ipa`,
      bundleId: 'com.example.app',
      version: '3.1',
      buildNumber: '7',
      platform: 'TV_OS',
      source: 'Payload/Example.app/Info.plist'
    })
  })

  it('names ipa-path for a missing file, a non-zip, a zip without an app, and a simulator build', async () => {
    await expect(readArchive(join(dir, 'missing.ipa'))).rejects.toThrow(
      /Input 'ipa-path'.*cannot be opened \(ENOENT\)/
    )
    writeFileSync(join(dir, 'text.ipa'), 'hello')
    await expect(readArchive(join(dir, 'text.ipa'))).rejects.toThrow(
      /Input 'ipa-path'.*cannot be read as an .ipa/
    )
    writeFileSync(join(dir, 'other.ipa'), zipArchive({ 'readme.txt': 'x' }))
    await expect(readArchive(join(dir, 'other.ipa'))).rejects.toThrow(
      /without Payload\/<App>.app\/Info.plist/
    )
    writeFileSync(join(dir, 'sim.ipa'), ipaBytes({ platform: 'iPhoneSimulator' }))
    await expect(readArchive(join(dir, 'sim.ipa'))).rejects.toThrow(/iphonesimulator/)
  })

  it('reads a .pkg PackageInfo, and falls back to the inputs for one it cannot read', async () => {
    const path = join(dir, 'mac.pkg')
    writeFileSync(
      path,
      pkgBytes({ bundleId: 'com.example.mac', version: '2.5', buildNumber: '11' })
    )
    expect(await readArchive(path)).toMatchObject({
      kind: 'pkg',
      bundleId: 'com.example.mac',
      version: '2.5',
      buildNumber: '11',
      platform: 'MAC_OS'
    })
    const bare = join(dir, 'bare.pkg')
    const header = Buffer.alloc(28)
    header.write('xar!', 0, 'latin1')
    header.writeUInt16BE(28, 4)
    writeFileSync(bare, Buffer.concat([header, Buffer.from('junk')]))
    expect(await readArchive(bare)).toMatchObject({
      kind: 'pkg',
      source: 'inputs',
      platform: 'MAC_OS'
    })
    writeFileSync(join(dir, 'fake.pkg'), 'not xar')
    await expect(readArchive(join(dir, 'fake.pkg'))).rejects.toThrow(/no xar header/)
  })
})
