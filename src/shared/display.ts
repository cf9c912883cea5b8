import { formatDate as formatAppleDate, parseAppleDate } from './dates.js'
import { platformInput, type ApplePlatform } from './platforms.js'

const DISPLAY: Record<string, string> = {
  ios: 'iOS',
  macos: 'macOS',
  tvos: 'tvOS',
  visionos: 'visionOS'
}

/** Apple's display name of a platform: iOS, macOS, tvOS, visionOS. */
export function platformName(platform: ApplePlatform): string {
  return DISPLAY[platformInput(platform)] ?? platform
}

/** `2026-11-23 18:17 UTC` (undefined stays undefined, for optional summary facts). */
export function formatDate(iso: string | undefined): string | undefined {
  return parseAppleDate(iso) === undefined ? undefined : formatAppleDate(iso)
}
