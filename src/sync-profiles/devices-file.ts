import { readFileSync } from 'node:fs'
import { ConfigurationError } from '#shared/errors.js'
import type { DevicePlatform } from './profile-types.js'

/** One device from the devices file. */
export interface DeviceEntry {
  udid: string
  name: string
  platform: DevicePlatform
  /** 1-based line in the file, for messages. */
  line: number
}

/**
 * UDIDs Apple accepts: the 40-hex-digit form of older iPhones, the `00008030-001A35E11A88003A` form
 * (8 + 16 hex digits) of newer ones and Apple silicon Macs, and a Mac's hardware UUID (8-4-4-4-12).
 */
const UDID = [
  /^[0-9a-f]{40}$/i,
  /^[0-9a-f]{8}-[0-9a-f]{16}$/i,
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
]

export function isUdid(value: string): boolean {
  return UDID.some((re) => re.test(value))
}

const DEVICE_LIST_PLATFORMS: Record<string, DevicePlatform> = {
  ios: 'IOS',
  ipados: 'IOS',
  tvos: 'IOS',
  watchos: 'IOS',
  visionos: 'IOS',
  mac: 'MAC_OS',
  macos: 'MAC_OS',
  mac_os: 'MAC_OS'
}

/**
 * Parses Apple's "multiple devices" upload format: tab-separated `Device ID`, `Device Name` and an
 * optional `Device Platform` (`ios` or `mac`; `ios` when absent). A header line, blank lines and
 * `#` comments are allowed. A UDID listed twice is kept once. Errors name the line.
 */
export function parseDevicesFile(text: string, input = 'devices-file'): DeviceEntry[] {
  const out = new Map<string, DeviceEntry>()
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  let seenContent = false
  lines.forEach((raw, i) => {
    const line = i + 1
    const trimmed = raw.trim()
    if (!trimmed || trimmed.startsWith('#')) return
    const first = !seenContent
    seenContent = true
    if (first && /^device\s*id\b/i.test(trimmed)) return
    const fields = raw.split('\t').map((f) => f.trim())
    const fail = (why: string) => {
      throw new ConfigurationError(
        `line ${line}: ${why} Each line is '<UDID><TAB><name>[<TAB>ios|mac]', as in Apple's device upload file.`,
        input
      )
    }
    if (fields.length < 2)
      fail(`expected a UDID and a name separated by a tab, got '${trimmed.slice(0, 80)}'.`)
    if (fields.length > 3 && fields.slice(3).some(Boolean))
      fail('has more than three tab-separated fields.')
    const [udid, name, platformText = ''] = fields
    if (!isUdid(udid))
      fail(
        `'${udid.slice(0, 60)}' is not a device UDID (40 hex digits, or 8 and 16 hex digits joined by '-', or a Mac's hardware UUID).`
      )
    if (!name) fail(`the device ${udid} has no name.`)
    if (name.length > 50) fail(`the name '${name}' is longer than the 50 characters Apple allows.`)
    const platform = platformText ? DEVICE_LIST_PLATFORMS[platformText.toLowerCase()] : 'IOS'
    if (!platform) fail(`'${platformText}' is not a device platform: use ios or mac.`)
    const key = udid.toLowerCase()
    if (!out.has(key)) out.set(key, { udid, name, platform: platform!, line })
  })
  return [...out.values()]
}

export function readDevicesFile(path: string, input = 'devices-file'): DeviceEntry[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new ConfigurationError(
      `cannot read '${path}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`,
      input
    )
  }
  return parseDevicesFile(text, input)
}
