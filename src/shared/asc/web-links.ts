import type { ApplePlatform } from '../platforms.js'

/**
 * App Store Connect's web pages, for the links in job summaries. Kept in one place: when Apple
 * moves a page, this is the one file to change. The forms are the ones App Store Connect's own
 * navigation uses (`/apps/<app id>/…`).
 */
const WEB = 'https://appstoreconnect.apple.com'

const PLATFORM_SEGMENT: Record<ApplePlatform, string> = {
  IOS: 'ios',
  MAC_OS: 'macos',
  TV_OS: 'tvos',
  VISION_OS: 'visionos'
}

/** Only an ID Apple would issue becomes part of a link (server text never shapes a URL). */
function id(value: string): string {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(value)) throw new Error(`not an App Store Connect ID: ${value}`)
  return value
}

export const webLinks = {
  app: (appId: string) => `${WEB}/apps/${id(appId)}`,
  testflight: (appId: string, platform: ApplePlatform = 'IOS') =>
    `${WEB}/apps/${id(appId)}/testflight/${PLATFORM_SEGMENT[platform]}`,
  build: (appId: string, buildId: string, platform: ApplePlatform = 'IOS') =>
    `${WEB}/apps/${id(appId)}/testflight/${PLATFORM_SEGMENT[platform]}/${id(buildId)}`,
  betaGroup: (appId: string, groupId: string) =>
    `${WEB}/apps/${id(appId)}/testflight/groups/${id(groupId)}`,
  version: (appId: string, versionId: string, platform: ApplePlatform = 'IOS') =>
    `${WEB}/apps/${id(appId)}/distribution/${PLATFORM_SEGMENT[platform]}/version/${id(versionId)}`,
  resolutionCenter: (appId: string) => `${WEB}/apps/${id(appId)}/distribution/reviewsubmissions`,
  profiles: () => 'https://developer.apple.com/account/resources/profiles/list',
  certificates: () => 'https://developer.apple.com/account/resources/certificates/list'
}

/** A Markdown link, or the plain text when there is no URL. */
export function mdLink(text: string, url: string | undefined): string {
  const label = text.replace(/[[\]]/g, '\\$&')
  return url ? `[${label}](${url})` : label
}
