import { levenshtein } from './text.js'

/**
 * The locales App Store Connect takes for App Store version localizations (Apple's "App Store
 * localizations" reference; the same list fastlane deliver keeps), spelled as the API spells them.
 */
export const APP_STORE_LOCALES = [
  'ar-SA',
  'bn-BD',
  'ca',
  'cs',
  'da',
  'de-DE',
  'el',
  'en-AU',
  'en-CA',
  'en-GB',
  'en-US',
  'es-ES',
  'es-MX',
  'fi',
  'fr-CA',
  'fr-FR',
  'gu-IN',
  'he',
  'hi',
  'hr',
  'hu',
  'id',
  'it',
  'ja',
  'kn-IN',
  'ko',
  'ml-IN',
  'mr-IN',
  'ms',
  'nl-NL',
  'no',
  'or-IN',
  'pa-IN',
  'pl',
  'pt-BR',
  'pt-PT',
  'ro',
  'ru',
  'sk',
  'sl-SI',
  'sv',
  'ta-IN',
  'te-IN',
  'th',
  'tr',
  'uk',
  'ur-PK',
  'vi',
  'zh-Hans',
  'zh-Hant'
] as const

/** The supported locale spelled as Apple spells it (`en-us` -> `en-US`), or undefined. */
export function supportedLocale(
  locale: string,
  list: readonly string[] = APP_STORE_LOCALES
): string | undefined {
  const wanted = locale.trim().replace(/_/g, '-').toLowerCase()
  return list.find((l) => l.toLowerCase() === wanted)
}

/** The `n` supported locales nearest to `locale`, nearest first (same language first). */
export function nearest(
  locale: string,
  n = 3,
  list: readonly string[] = APP_STORE_LOCALES
): string[] {
  const wanted = locale.trim().replace(/_/g, '-').toLowerCase()
  const language = wanted.split('-')[0]
  return [...list]
    .map((l) => {
      const lower = l.toLowerCase()
      const sameLanguage = lower.split('-')[0] === language ? 0 : 100
      return [l, sameLanguage + levenshtein(wanted, lower)] as const
    })
    .sort((a, b) => a[1] - b[1])
    .slice(0, n)
    .map(([l]) => l)
}
