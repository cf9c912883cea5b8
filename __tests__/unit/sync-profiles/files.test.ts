import { describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { OperationFailedError } from '../../../src/shared/errors.js'
import { profilePath, writeProfiles } from '../../../src/sync-profiles/files.js'

const UUID = 'A1B2C3D4-0000-4000-A000-0123456789AB'
const content = Buffer.from('profile').toString('base64')

describe('profile file names come only from UUID-shaped UUIDs', () => {
  it('accepts a UUID in either case', () => {
    expect(profilePath('/out', UUID)).toBe(`/out/${UUID}.mobileprovision`)
    expect(profilePath('/out', UUID.toLowerCase())).toBe(
      `/out/${UUID.toLowerCase()}.mobileprovision`
    )
  })

  it.each([
    '../../escaped',
    '..',
    '',
    `${UUID}/x`,
    `${UUID}\\x`,
    'A1B2C3D4',
    `${UUID}\n`,
    `x${UUID}`
  ])('refuses %j', (uuid) => {
    expect(() => profilePath('/out', uuid)).toThrow(OperationFailedError)
    expect(() => profilePath('/out', uuid)).toThrow(/not a safe file name/)
  })

  it('writes and removes nothing when one UUID is hostile', async () => {
    const root = mkdtempSync(join(tmpdir(), 'files-'))
    try {
      const victim = join(root, 'victim.mobileprovision')
      writeFileSync(victim, 'keep')
      const install = join(root, 'a', 'b')
      await expect(
        writeProfiles([{ uuid: UUID, content }], join(root, 'out'), [install], ['../../victim'])
      ).rejects.toThrow(/not a safe file name/)
      expect(existsSync(victim)).toBe(true)
      expect(readdirSync(root)).toEqual(['victim.mobileprovision'])
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
