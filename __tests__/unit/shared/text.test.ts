import { describe, expect, it } from '@jest/globals'
import { briefList, closest, levenshtein, nearest } from '../../../src/shared/text.js'

describe('text helpers', () => {
  it('levenshtein counts insertions, deletions and substitutions', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3)
    expect(levenshtein('', 'abc')).toBe(3)
    expect(levenshtein('same', 'same')).toBe(0)
  })

  it('nearest ranks candidates case-insensitively, without duplicates', () => {
    expect(
      nearest('com.example.ap', ['org.other', 'com.example.app', 'com.example.app'], 2)
    ).toEqual(['com.example.app', 'org.other'])
    expect(nearest('QA', ['qa', 'Beta'], 1)).toEqual(['qa'])
  })

  it('closest only offers a likely typo', () => {
    expect(closest('filter[bundleid]', ['filter[bundleId]', 'limit'])).toBe('filter[bundleId]')
    expect(closest('completely-else', ['limit', 'sort'])).toBeUndefined()
    expect(closest('x', [])).toBeUndefined()
  })

  it('briefList shows the first few and the count', () => {
    expect(briefList(['a', 'b'])).toBe('a, b')
    expect(briefList('abcdefghijkl'.split(''), 3)).toBe('a, b, c, … (12 in all)')
  })
})
