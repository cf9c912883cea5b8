import { describe, expect, it } from '@jest/globals'
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ApiError } from '../../../src/shared/asc/errors.js'
import { OperationFailedError } from '../../../src/shared/errors.js'
import {
  checkOutputDir,
  createCertificate,
  fileSerial,
  writeFiles
} from '../../../src/sync-certificates/apply.js'
import type {
  CertificateInfo,
  CertificatesApi
} from '../../../src/sync-certificates/certificates-api.js'
import { configurationError } from '../../support/configuration-error.js'

const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
const spki = createPublicKey(key).export({ type: 'spki', format: 'der' })
const now = Date.parse('2026-06-01T00:00:00Z')
const cert = (id: string, over: Partial<CertificateInfo> = {}): CertificateInfo => ({
  id,
  name: `Apple Distribution: ${id}`,
  certificateType: 'DISTRIBUTION',
  serialNumber: `ABCD${id.length}`,
  expirationDate: '2027-06-01T00:00:00.000Z',
  der: Buffer.from('cert'),
  spki,
  ...over
})

/** A port whose create loses its answer after taking effect, or answers Apple's limit error. */
class FakePort implements CertificatesApi {
  listed: CertificateInfo[] = []
  creates = 0
  constructor(private readonly mode: 'ok' | 'lost' | 'limit') {}
  async list() {
    return this.listed
  }
  async create(_type: string, csr: string, recover: () => Promise<CertificateInfo | undefined>) {
    this.creates++
    expect(csr).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/)
    if (this.mode === 'limit')
      throw new ApiError(409, 'POST', '/v1/certificates', [
        {
          status: '409',
          code: 'ENTITY_ERROR',
          title: 'There is a problem with the request entity',
          detail:
            'You already have a current Distribution certificate or a pending certificate request.'
        }
      ])
    const made = cert('new-one')
    this.listed.push(made)
    if (this.mode === 'lost') return (await recover())!
    return made
  }
}

const options = (listed: CertificateInfo[]) => ({
  type: 'DISTRIBUTION' as const,
  key,
  knownIds: new Set(listed.map((c) => c.id)),
  listed,
  now
})

describe('creating the certificate', () => {
  it('recovers a lost answer by finding the new certificate by its key, asking once', async () => {
    const port = new FakePort('lost')
    port.listed = [
      cert('old', { expirationDate: '2026-06-10T00:00:00Z' }),
      cert('other', { spki: Buffer.from('x') })
    ]
    const { certificate, recovered } = await createCertificate(port, options([...port.listed]))
    expect(certificate.id).toBe('new-one')
    expect(recovered).toBe(true)
    expect(port.creates).toBe(1)
  })

  it("turns Apple's limit error into one error listing the type's certificates", async () => {
    const listed = [
      cert('a', { serialNumber: '0A1B' }),
      cert('b', { serialNumber: '0C2D', expirationDate: '2026-01-01T00:00:00Z' })
    ]
    const e = await createCertificate(new FakePort('limit'), options(listed)).catch((x) => x)
    expect(e).toBeInstanceOf(OperationFailedError)
    expect(e.message).toContain('Apple Distribution: a (serial 0A1B, expires 2027-06-01 00:00 UTC)')
    expect(e.message).toContain('Apple Distribution: b (serial 0C2D, expired 2026-01-01 00:00 UTC)')
    expect(e.message).toContain('never revokes')
  })
})

describe('files', () => {
  it('takes only hex serials as file names', () => {
    expect(fileSerial('7a3b00')).toBe('7A3B00')
    for (const bad of ['../../etc/passwd', '', 'ABC/DEF', 'ABC DEF', '12\n34'])
      expect(() => fileSerial(bad)).toThrow(OperationFailedError)
  })

  it('checks the output folder: a file, an unwritable folder, a missing one under a folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'out-'))
    try {
      writeFileSync(join(dir, 'f'), '')
      expect(configurationError(() => checkOutputDir(join(dir, 'f'))).message).toContain(
        'is a file'
      )
      expect(configurationError(() => checkOutputDir(join(dir, 'f', 'sub'))).message).toContain(
        'is a file'
      )
      checkOutputDir(join(dir, 'new', 'deeper'))
      if (process.getuid?.() !== 0) {
        chmodSync(dir, 0o500)
        expect(configurationError(() => checkOutputDir(join(dir, 'x'))).message).toContain(
          'not writable'
        )
        chmodSync(dir, 0o700)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('writes <serial>.p12 and <serial>.cer with mode 0600, also over existing files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'out-'))
    try {
      writeFileSync(join(dir, 'ABCD1.cer'), 'old', { mode: 0o644 })
      const files = await writeFiles(join(dir), cert('x', { serialNumber: 'abcd1' }), key, 'pw')
      expect(files).toEqual({ p12Path: join(dir, 'ABCD1.p12'), cerPath: join(dir, 'ABCD1.cer') })
      for (const f of Object.values(files)) expect(statSync(f).mode & 0o777).toBe(0o600)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
