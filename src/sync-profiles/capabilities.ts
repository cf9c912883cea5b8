import type { components } from '#shared/asc/generated/openapi-types.js'
import { ConfigurationError } from '#shared/errors.js'
import { nearest } from '#shared/text.js'
import type { DevicePlatform, ProfileType } from './profile-types.js'

/** Apple's capability types (`CapabilityType` of the OpenAPI document). */
export type CapabilityType = components['schemas']['CapabilityType']

/** Every capability type of Apple's document, in its order. */
export const CAPABILITY_TYPES = [
  'ICLOUD',
  'IN_APP_PURCHASE',
  'GAME_CENTER',
  'PUSH_NOTIFICATIONS',
  'WALLET',
  'INTER_APP_AUDIO',
  'MAPS',
  'ASSOCIATED_DOMAINS',
  'PERSONAL_VPN',
  'APP_GROUPS',
  'HEALTHKIT',
  'HOMEKIT',
  'WIRELESS_ACCESSORY_CONFIGURATION',
  'APPLE_PAY',
  'DATA_PROTECTION',
  'SIRIKIT',
  'NETWORK_EXTENSIONS',
  'MULTIPATH',
  'HOT_SPOT',
  'NFC_TAG_READING',
  'CLASSKIT',
  'AUTOFILL_CREDENTIAL_PROVIDER',
  'ACCESS_WIFI_INFORMATION',
  'NETWORK_CUSTOM_PROTOCOL',
  'COREMEDIA_HLS_LOW_LATENCY',
  'SYSTEM_EXTENSION_INSTALL',
  'USER_MANAGEMENT',
  'APPLE_ID_AUTH'
] as const satisfies readonly CapabilityType[]

// Fails to compile when Apple's document gains a capability type this list lacks.
const _everyType: Exclude<CapabilityType, (typeof CAPABILITY_TYPES)[number]> extends never
  ? true
  : never = true
void _everyType

/** `capabilities` names as Apple's enum: `push-notifications` and `Push_Notifications` are accepted. */
export function readCapabilities(names: string[], input = 'capabilities'): CapabilityType[] {
  const out = names.map((name) => {
    const normal = name.trim().toUpperCase().replace(/[-\s]/g, '_')
    const found = CAPABILITY_TYPES.find((t) => t === normal)
    if (!found)
      throw new ConfigurationError(
        `'${name}' is not one of Apple's capability types (did you mean ${nearest(normal, CAPABILITY_TYPES, 2).join(' or ')}?). Use Apple's CapabilityType names: ${CAPABILITY_TYPES.join(', ')}.`,
        input
      )
    return found
  })
  return [...new Set(out)]
}

/** The platform a new bundle ID is registered for: from the profile types it is synced with. */
export function bundlePlatform(types: readonly ProfileType[]): DevicePlatform {
  const mac = types.some((t) => t.startsWith('MAC_APP_'))
  const ios = types.some((t) => !t.startsWith('MAC_APP_'))
  return mac && ios ? 'UNIVERSAL' : mac ? 'MAC_OS' : 'IOS'
}

/**
 * A name Apple accepts for a new bundle ID (letters, digits and spaces only), derived from the
 * identifier: `com.example.app-widget` is named `com example app widget`.
 */
export function bundleName(identifier: string): string {
  const name = identifier
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .slice(0, 100)
    .trim()
  return name || 'App'
}
