import type { components } from '#shared/asc/generated/openapi-types.js'

/** Apple's profile types (`Profile.attributes.profileType`). */
export type ProfileType = NonNullable<
  components['schemas']['Profile']['attributes']
>['profileType'] &
  string
export type CertificateType = components['schemas']['CertificateType']
export type DeviceClass = NonNullable<
  NonNullable<components['schemas']['Device']['attributes']>['deviceClass']
>
export type DevicePlatform = components['schemas']['BundleIdPlatform']

/** Every profile type of Apple's document, in its order. */
export const PROFILE_TYPES = [
  'IOS_APP_DEVELOPMENT',
  'IOS_APP_STORE',
  'IOS_APP_ADHOC',
  'IOS_APP_INHOUSE',
  'MAC_APP_DEVELOPMENT',
  'MAC_APP_STORE',
  'MAC_APP_DIRECT',
  'TVOS_APP_DEVELOPMENT',
  'TVOS_APP_STORE',
  'TVOS_APP_ADHOC',
  'TVOS_APP_INHOUSE',
  'MAC_CATALYST_APP_DEVELOPMENT',
  'MAC_CATALYST_APP_STORE',
  'MAC_CATALYST_APP_DIRECT'
] as const satisfies readonly ProfileType[]

/** What a profile type needs: the certificates that may sign with it and, for some, devices. */
export interface ProfileKind {
  /** Certificate types a profile of this type may hold (as fastlane sigh/match choose them). */
  certificateTypes: CertificateType[]
  /** How the certificate is called in Apple's portal, for messages. */
  certificateLabel: string
  /** Development and ad hoc profiles list devices: which platform and classes. */
  devices?: { platform: DevicePlatform; classes: DeviceClass[] }
  /** Words for a new profile's name: `<bundle ID> <label>`. */
  label: string
}

const IOS_DEVICES = {
  platform: 'IOS',
  classes: ['IPHONE', 'IPAD', 'IPOD', 'APPLE_WATCH', 'APPLE_VISION_PRO']
} as const
const TV_DEVICES = { platform: 'IOS', classes: ['APPLE_TV'] } as const
const MAC_DEVICES = { platform: 'MAC_OS', classes: ['MAC'] } as const

const DEVELOPMENT = {
  certificateTypes: ['DEVELOPMENT', 'IOS_DEVELOPMENT'],
  certificateLabel: 'Apple Development (or iOS App Development)'
} as const
const DISTRIBUTION = {
  certificateTypes: ['DISTRIBUTION', 'IOS_DISTRIBUTION'],
  certificateLabel: 'Apple Distribution (or iOS Distribution)'
} as const
const MAC_DEVELOPMENT = {
  certificateTypes: ['DEVELOPMENT', 'MAC_APP_DEVELOPMENT'],
  certificateLabel: 'Apple Development (or Mac Development)'
} as const
const MAC_DISTRIBUTION = {
  certificateTypes: ['DISTRIBUTION', 'MAC_APP_DISTRIBUTION'],
  certificateLabel: 'Apple Distribution (or Mac App Distribution)'
} as const
const DEVELOPER_ID = {
  certificateTypes: ['DEVELOPER_ID_APPLICATION_G2', 'DEVELOPER_ID_APPLICATION'],
  certificateLabel: 'Developer ID Application'
} as const

function kind(
  base: { certificateTypes: readonly CertificateType[]; certificateLabel: string },
  label: string,
  devices?: { platform: DevicePlatform; classes: readonly DeviceClass[] }
): ProfileKind {
  return {
    certificateTypes: [...base.certificateTypes],
    certificateLabel: base.certificateLabel,
    label,
    devices: devices && { platform: devices.platform, classes: [...devices.classes] }
  }
}

export const PROFILE_KINDS: Record<ProfileType, ProfileKind> = {
  IOS_APP_DEVELOPMENT: kind(DEVELOPMENT, 'Development', IOS_DEVICES),
  IOS_APP_STORE: kind(DISTRIBUTION, 'App Store'),
  IOS_APP_ADHOC: kind(DISTRIBUTION, 'Ad Hoc', IOS_DEVICES),
  IOS_APP_INHOUSE: kind(DISTRIBUTION, 'In House'),
  MAC_APP_DEVELOPMENT: kind(MAC_DEVELOPMENT, 'Mac Development', MAC_DEVICES),
  MAC_APP_STORE: kind(MAC_DISTRIBUTION, 'Mac App Store'),
  MAC_APP_DIRECT: kind(DEVELOPER_ID, 'Developer ID'),
  TVOS_APP_DEVELOPMENT: kind(DEVELOPMENT, 'tvOS Development', TV_DEVICES),
  TVOS_APP_STORE: kind(DISTRIBUTION, 'tvOS App Store'),
  TVOS_APP_ADHOC: kind(DISTRIBUTION, 'tvOS Ad Hoc', TV_DEVICES),
  TVOS_APP_INHOUSE: kind(DISTRIBUTION, 'tvOS In House'),
  MAC_CATALYST_APP_DEVELOPMENT: kind(MAC_DEVELOPMENT, 'Mac Catalyst Development', MAC_DEVICES),
  MAC_CATALYST_APP_STORE: kind(MAC_DISTRIBUTION, 'Mac Catalyst App Store'),
  MAC_CATALYST_APP_DIRECT: kind(DEVELOPER_ID, 'Mac Catalyst Developer ID')
}

/** The name a new profile gets (a replacement keeps the old one's name instead). */
export function defaultProfileName(bundleId: string, type: ProfileType): string {
  return `${bundleId} ${PROFILE_KINDS[type].label}`
}

/** Every certificate type any of `types` may hold. */
export function certificateTypesFor(types: readonly ProfileType[]): CertificateType[] {
  return [...new Set(types.flatMap((t) => PROFILE_KINDS[t].certificateTypes))]
}

/** Device platforms any of `types` lists devices of. */
export function devicePlatformsFor(types: readonly ProfileType[]): DevicePlatform[] {
  return [
    ...new Set(
      types.flatMap((t) => (PROFILE_KINDS[t].devices ? [PROFILE_KINDS[t].devices.platform] : []))
    )
  ]
}
