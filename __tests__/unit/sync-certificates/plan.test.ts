import { describe, expect, it } from '@jest/globals'
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import type { CertificateInfo } from '../../../src/sync-certificates/certificates-api.js'
import { decide } from '../../../src/sync-certificates/plan.js'

const DAY = 86_400_000
const now = Date.parse('2026-06-01T00:00:00Z')
const spkiOf = () =>
  createPublicKey(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey).export({
    type: 'spki',
    format: 'der'
  })
const mine = spkiOf()
const other = spkiOf()

const cert = (id: string, days: number, spki: Buffer | null = mine): CertificateInfo => ({
  id,
  name: id,
  certificateType: 'DISTRIBUTION',
  serialNumber: id.toUpperCase(),
  expirationDate: new Date(now + days * DAY).toISOString(),
  der: spki ? Buffer.from('x') : undefined,
  spki: spki ?? undefined
})
const options = { spki: mine, renewWithinDays: 30, createMissing: true, now }

describe('which certificate to use', () => {
  it("reuses the key's certificate that expires last, skipping others with their reason", () => {
    const plan = decide(
      [
        cert('a1', 100),
        cert('b2', 300),
        cert('c3', 400, other),
        cert('d4', 500, null),
        cert('e5', -1)
      ],
      options
    )
    expect(plan.action).toBe('reuse')
    expect(plan.action === 'reuse' && plan.certificate.id).toBe('b2')
    expect(plan.skipped.map((s) => [s.certificate.id, s.reason])).toEqual([
      ['c3', 'other key'],
      ['d4', 'no content'],
      ['e5', 'expired']
    ])
  })

  it('creates one when the only one for the key expires within renew-within-days (renewing it)', () => {
    const plan = decide([cert('a1', 10), cert('b2', 300, other)], options)
    expect(plan).toMatchObject({ action: 'create', renewing: { id: 'a1' } })
    expect(decide([cert('a1', 10)], { ...options, renewWithinDays: 5 }).action).toBe('reuse')
  })

  it('creates one when none is for the key, or reports it missing without create-missing', () => {
    expect(decide([cert('b2', 300, other)], options)).toMatchObject({
      action: 'create',
      renewing: undefined
    })
    expect(decide([], { ...options, createMissing: false }).action).toBe('missing')
  })
})
