import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatDate, parseAppleDate } from '../../../src/shared/dates.js'
import { mdLink, webLinks } from '../../../src/shared/asc/web-links.js'
import { checkOutputDir, checkOutputFile, fileInside } from '../../../src/shared/local-paths.js'
import { RunReport } from '../../../src/shared/report.js'
import { Summary } from '../../../src/shared/summary.js'
import { configurationError } from '../../support/configuration-error.js'

describe('Apple dates', () => {
  it('reads an offset without a colon to the same instant as one with it', () => {
    const a = parseAppleDate('2020-11-28T13:56:50.220+0000')
    expect(a).toBe(Date.UTC(2020, 10, 28, 13, 56, 50, 220))
    expect(parseAppleDate('2020-11-28T06:56:50.220-0700')).toBe(a)
    expect(parseAppleDate('2020-11-28T06:56:50.220-07:00')).toBe(a)
    expect(parseAppleDate('2020-11-28T13:56:50.220Z')).toBe(a)
  })
  it('gives undefined for what is not a date', () => {
    expect(parseAppleDate(undefined)).toBeUndefined()
    expect(parseAppleDate('')).toBeUndefined()
    expect(parseAppleDate('soon')).toBeUndefined()
  })
  it('shows dates one way', () => {
    expect(formatDate('2026-11-23T18:17:59.000+0000')).toBe('2026-11-23 18:17 UTC')
    expect(formatDate(Date.UTC(2026, 0, 2, 3, 4))).toBe('2026-01-02 03:04 UTC')
    expect(formatDate(undefined)).toBe('—')
  })
})

describe('App Store Connect web links', () => {
  it('builds the pages a release engineer opens next', () => {
    expect(webLinks.app('1234567890')).toBe('https://appstoreconnect.apple.com/apps/1234567890')
    expect(webLinks.build('123', 'abc-def', 'MAC_OS')).toBe(
      'https://appstoreconnect.apple.com/apps/123/testflight/macos/abc-def'
    )
  })
  it('refuses an ID that would reshape the URL', () => {
    expect(() => webLinks.build('123', '../../evil')).toThrow(/not an App Store Connect ID/)
    expect(() => webLinks.app('1?x=//evil.example')).toThrow(/not an App Store Connect ID/)
  })
  it('escapes link text', () => {
    expect(mdLink('a [b]', 'https://x.test')).toBe('[a \\[b\\]](https://x.test)')
    expect(mdLink('plain', undefined)).toBe('plain')
  })
})

describe('local outputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paths-'))
  writeFileSync(join(dir, 'file'), 'x')
  mkdirSync(join(dir, 'folder'))
  it('refuses an output file that is a directory, naming the input', () => {
    const e = configurationError(() => checkOutputFile(join(dir, 'folder'), 'output-file'))
    expect(e.input).toBe('output-file')
    expect(e.message).toMatch(/is a directory/)
  })
  it('refuses an output folder that is a file, or lies under one', () => {
    expect(
      configurationError(() => checkOutputDir(join(dir, 'file'), 'output-dir')).message
    ).toMatch(/is a file/)
    expect(
      configurationError(() => checkOutputDir(join(dir, 'file', 'sub'), 'output-dir')).message
    ).toMatch(/is a file/)
  })
  it('accepts paths that exist or can be made', () => {
    expect(() => checkOutputFile(join(dir, 'new', 'out.json'), 'output-file')).not.toThrow()
    expect(() => checkOutputDir(join(dir, 'a', 'b'), 'output-dir')).not.toThrow()
  })
  it('keeps server-given file names inside the folder', () => {
    const uuid = /^[0-9a-fA-F-]{36}$/
    expect(fileInside(dir, '0f0e1d2c-3b4a-5968-7766-554433221100', uuid, 'a UUID')).toBe(
      join(dir, '0f0e1d2c-3b4a-5968-7766-554433221100')
    )
    expect(() => fileInside(dir, '../../escaped', uuid, 'a UUID')).toThrow(/not a safe file name/)
  })
})

describe('run report and status line', () => {
  it('says warn when something was skipped, fail when failed', () => {
    const r = new RunReport()
    expect(r.outcome(false)).toBe('ok')
    r.skip('groups: not given')
    expect(r.outcome(false)).toBe('warn')
    expect(r.outcome(true)).toBe('fail')
  })
  it('leads a summary with one status line', () => {
    const text = new Summary().heading('x').status('fail', 'failed: no').toString()
    expect(text).toBe('## x\n\n❌ failed: no\n')
  })
})
