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

/** `2026-11-23 18:17 UTC`. */
export function formatDate(iso: string | undefined): string | undefined {
  if (!iso) return undefined
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}
