import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readSpecText } from '../../../src/openapi/load.js'
import { isZip, readZipEntry, zipEntries } from '../../../src/openapi/zip.js'
import { zipOf } from '../../support/openapi-docs.js'

describe('zip reader', () => {
  it('lists the central directory and inflates an entry', () => {
    const zip = zipOf({ 'a.txt': 'hello', 'dir/openapi.oas.json': '{"x":1}' })
    expect(isZip(zip)).toBe(true)
    const entries = zipEntries(zip)
    expect(entries.map((e) => [e.name, e.size])).toEqual([
      ['a.txt', 5],
      ['dir/openapi.oas.json', 7]
    ])
    expect(readZipEntry(zip, entries[1]).toString()).toBe('{"x":1}')
  })

  it("finds the document in Apple's zip, and says what is wrong with a damaged one", () => {
    const dir = mkdtempSync(join(tmpdir(), 'zip-test-'))
    try {
      writeFileSync(join(dir, 'ok.zip'), zipOf({ 'notes.json': '[]', 'openapi.oas.json': '{"y":2}' }))
      expect(readSpecText(join(dir, 'ok.zip'))).toBe('{"y":2}')
      writeFileSync(join(dir, 'none.zip'), zipOf({ 'a.txt': 'x' }))
      expect(() => readSpecText(join(dir, 'none.zip'))).toThrow(/holds no \.json file/)
      writeFileSync(join(dir, 'cut.zip'), zipOf({ 'a.json': '{}' }).subarray(0, 40))
      expect(() => readSpecText(join(dir, 'cut.zip'))).toThrow(/not a zip archive/)
      writeFileSync(join(dir, 'plain.json'), '{"z":3}')
      expect(readSpecText(join(dir, 'plain.json'))).toBe('{"z":3}')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
