import { open } from 'node:fs/promises'
import { basename } from 'node:path'
import { inflateSync } from 'node:zlib'
import { ConfigurationError } from '#shared/errors.js'
import { parsePlist, type PlistValue } from './plist.js'
import { ZipReader } from './zip.js'
import type { Platform } from './settings.js'

/** What the upload needs to know about an archive, read from the archive itself. */
export interface ArchiveInfo {
  path: string
  fileName: string
  size: number
  kind: 'ipa' | 'pkg'
  bundleId?: string
  version?: string
  buildNumber?: string
  platform?: Platform
  /** Where the facts came from (for the log). */
  source: string
}

const PLIST_PLATFORMS: Record<string, Platform> = {
  iphoneos: 'IOS',
  appletvos: 'TV_OS',
  xros: 'VISION_OS',
  macosx: 'MAC_OS'
}

/** The platform named by an Info.plist, from DTPlatformName or CFBundleSupportedPlatforms. */
export function platformOf(plist: Record<string, PlistValue>): Platform | undefined {
  const names = [
    plist.DTPlatformName,
    ...(Array.isArray(plist.CFBundleSupportedPlatforms) ? plist.CFBundleSupportedPlatforms : [])
  ]
  for (const n of names)
    if (typeof n === 'string' && PLIST_PLATFORMS[n.toLowerCase()])
      return PLIST_PLATFORMS[n.toLowerCase()]
  return undefined
}

const bad = (path: string, why: string) =>
  new ConfigurationError(
    `'${path}' ${why} Give the path of the .ipa exported by Xcode (or a .pkg for macOS).`,
    'ipa-path'
  )

/** Reads an .ipa's `Payload/<App>.app/Info.plist`. Errors name `ipa-path` and say what is wrong. */
export async function readIpa(path: string, size: number): Promise<ArchiveInfo> {
  let zip: ZipReader
  try {
    zip = await ZipReader.open(path)
  } catch (e) {
    throw bad(path, `cannot be read as an .ipa (${(e as Error).message}).`)
  }
  try {
    const entry = zip.entries.find((e) => /^Payload\/[^/]+\.app\/Info\.plist$/.test(e.name))
    if (!entry)
      throw bad(
        path,
        'is a zip archive without Payload/<App>.app/Info.plist, so it is not an .ipa.'
      )
    let plist: PlistValue
    try {
      plist = parsePlist(await zip.read(entry))
    } catch (e) {
      throw bad(path, `has an unreadable ${entry.name} (${(e as Error).message}).`)
    }
    if (
      !plist ||
      typeof plist !== 'object' ||
      Array.isArray(plist) ||
      plist instanceof Date ||
      Buffer.isBuffer(plist)
    )
      throw bad(path, `has an ${entry.name} that is not a dictionary.`)
    const dict = plist as Record<string, PlistValue>
    const str = (k: string) =>
      typeof dict[k] === 'string' ? (dict[k] as string).trim() : undefined
    const dtPlatform = str('DTPlatformName')?.toLowerCase()
    if (dtPlatform?.endsWith('simulator'))
      throw bad(
        path,
        `was built for the ${dtPlatform}; App Store Connect accepts only device builds.`
      )
    const info: ArchiveInfo = {
      path,
      fileName: basename(path),
      size,
      kind: 'ipa',
      bundleId: str('CFBundleIdentifier'),
      version: str('CFBundleShortVersionString'),
      buildNumber: str('CFBundleVersion'),
      platform: platformOf(dict) ?? 'IOS',
      source: entry.name
    }
    if (!info.bundleId || !info.version || !info.buildNumber)
      throw bad(
        path,
        `has an ${entry.name} without CFBundleIdentifier, CFBundleShortVersionString or CFBundleVersion.`
      )
    return info
  } finally {
    await zip.close()
  }
}

/**
 * Reads a macOS installer package (xar): the first app bundle listed in a `PackageInfo`. Returns
 * undefined for what it cannot read (then `version`, `build-number` and `bundle-id` must be given).
 */
export async function readPkg(path: string, size: number): Promise<ArchiveInfo | undefined> {
  const file = await open(path, 'r')
  try {
    const header = Buffer.alloc(28)
    await file.read(header, 0, 28, 0)
    if (header.toString('latin1', 0, 4) !== 'xar!')
      throw bad(path, 'is not a macOS installer package (no xar header).')
    const headerSize = header.readUInt16BE(4)
    const tocLength = Number(header.readBigUInt64BE(8))
    if (tocLength > MAX_TOC) return undefined
    const tocRaw = Buffer.alloc(tocLength)
    await file.read(tocRaw, 0, tocLength, headerSize)
    const toc = inflateCapped(tocRaw, MAX_TOC, path, 'table of contents').toString('utf8')
    const heap = headerSize + tocLength
    for (const m of toc.matchAll(/<file\b[^>]*>((?:(?!<file\b)[\s\S])*?)<\/file>/g)) {
      const body = m[1]
      if (!/<name>PackageInfo<\/name>/.test(body)) continue
      const num = (tag: string) => Number(new RegExp(`<${tag}>(\\d+)</${tag}>`).exec(body)?.[1])
      const encoding = /<encoding style="([^"]+)"/.exec(body)?.[1] ?? 'application/octet-stream'
      const length = num('length')
      const offset = num('offset')
      if (!Number.isFinite(length) || !Number.isFinite(offset) || length > MAX_PACKAGE_INFO)
        continue
      const raw = Buffer.alloc(length)
      await file.read(raw, 0, length, heap + offset)
      let xml: string
      if (encoding === 'application/octet-stream') xml = raw.toString('utf8')
      else if (encoding === 'application/x-gzip')
        xml = inflateCapped(raw, MAX_PACKAGE_INFO, path, 'PackageInfo').toString('utf8')
      else continue
      const bundles = [...xml.matchAll(/<bundle\b([^>]*)>/g)].map((b) => attributes(b[1]))
      const app = bundles
        .filter((b) => b.path?.endsWith('.app') && b.CFBundleVersion)
        .sort((a, b) => a.path!.length - b.path!.length)[0]
      if (!app) continue
      return {
        path,
        fileName: basename(path),
        size,
        kind: 'pkg',
        bundleId: app.id,
        version: app.CFBundleShortVersionString,
        buildNumber: app.CFBundleVersion,
        platform: 'MAC_OS',
        source: 'PackageInfo'
      }
    }
    return undefined
  } catch (e) {
    if (e instanceof ConfigurationError) throw e
    return undefined
  } finally {
    await file.close()
  }
}

/** The most a .pkg's table of contents and its PackageInfo may inflate to. */
const MAX_TOC = 16 * 1024 * 1024
const MAX_PACKAGE_INFO = 4 * 1024 * 1024

/** Inflates at most `max` bytes; beyond that the archive is refused (a decompression bomb). */
function inflateCapped(raw: Buffer, max: number, path: string, what: string): Buffer {
  try {
    return inflateSync(raw, { maxOutputLength: max })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw bad(
        path,
        `has a ${what} larger than ${max / (1 << 20)} MiB once inflated, far more than a real one; it was not read further.`
      )
    throw e
  }
}

function attributes(text: string): Record<string, string | undefined> {
  const out: Record<string, string> = {}
  for (const m of text.matchAll(/([\w.-]+)="([^"]*)"/g)) out[m[1]] = m[2]
  return out
}

/** Reads whichever kind of archive `path` is. */
export async function readArchive(path: string): Promise<ArchiveInfo> {
  let size: number
  try {
    const handle = await open(path, 'r')
    size = (await handle.stat()).size
    await handle.close()
  } catch (e) {
    throw bad(
      path,
      `cannot be opened (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`
    )
  }
  if (size === 0) throw bad(path, 'is empty.')
  if (/\.pkg$/i.test(path)) {
    return (
      (await readPkg(path, size)) ?? {
        path,
        fileName: basename(path),
        size,
        kind: 'pkg',
        platform: 'MAC_OS',
        source: 'inputs'
      }
    )
  }
  return readIpa(path, size)
}
