import type { Inputs } from './inputs.js'

/** The values every `platform` input takes, and Apple's names for them (`Platform` in its document). */
export const PLATFORMS = {
  ios: 'IOS',
  macos: 'MAC_OS',
  tvos: 'TV_OS',
  visionos: 'VISION_OS'
} as const

export type PlatformInput = keyof typeof PLATFORMS
export type ApplePlatform = (typeof PLATFORMS)[PlatformInput]

/** `MAC_OS` -> `macos`: the spelling the inputs take, for messages and outputs. */
export function platformInput(platform: ApplePlatform): PlatformInput {
  return (Object.keys(PLATFORMS) as PlatformInput[]).find((k) => PLATFORMS[k] === platform)!
}

/** The `platform` input as Apple's name, or undefined when it is empty. */
export function readPlatform(inputs: Inputs, name = 'platform'): ApplePlatform | undefined {
  const value = inputs.enumeration(name, Object.keys(PLATFORMS) as PlatformInput[])
  return value && PLATFORMS[value]
}
