import { describe, expect, it } from '@jest/globals'
import { parseArgs } from '../../../src/openapi/args.js'

describe('parseArgs', () => {
  it('reads the command, its words and the options anywhere', () => {
    expect(parseArgs(['search', 'beta', '--json', 'groups', '--spec', 'a.zip', '--limit=3'])).toEqual({
      command: 'search',
      words: ['beta', 'groups'],
      json: true,
      spec: 'a.zip',
      limit: 3,
      help: false
    })
    expect(parseArgs(['operation', '--', '--odd'])).toMatchObject({ words: ['--odd'] })
    expect(parseArgs(['-h']).help).toBe(true)
  })

  it('refuses unknown options and bad values with exit code 2', () => {
    expect(() => parseArgs(['summary', '--jsn'])).toThrow(/unknown option '--jsn'/)
    expect(() => parseArgs(['summary', '--spec'])).toThrow(/--spec needs a value/)
    expect(() => parseArgs(['search', 'x', '--limit', '0'])).toThrow(/--limit must be a positive integer/)
    try {
      parseArgs(['--nope'])
    } catch (e) {
      expect((e as { exitCode: number }).exitCode).toBe(2)
    }
  })
})
