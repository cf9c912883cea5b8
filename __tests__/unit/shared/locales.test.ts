import { describe, expect, it } from '@jest/globals'
import { APP_STORE_LOCALES, nearest, supportedLocale } from '../../../src/shared/locales.js'

describe('App Store locales', () => {
  it('spells a supported locale as Apple does, whatever the case or separator', () => {
    expect(supportedLocale('en-us')).toBe('en-US')
    expect(supportedLocale('zh_hans')).toBe('zh-Hans')
    expect(supportedLocale('de')).toBeUndefined()
    expect(APP_STORE_LOCALES).toHaveLength(50)
  })

  it('suggests the nearest supported locales, the same language first', () => {
    expect(nearest('de')[0]).toBe('de-DE')
    expect(nearest('en-XX').every((l) => l.startsWith('en-'))).toBe(true)
    expect(nearest('pt').slice(0, 2).sort()).toEqual(['pt-BR', 'pt-PT'])
  })
})
