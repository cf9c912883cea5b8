import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  X509Certificate,
  type KeyObject
} from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeAsc, type FakeAsc } from '../../tools/fake-asc/index.js'
import { issueCertificate } from '../../tools/fake-asc/domains/certificates.js'
import {
  connectionInputs,
  expectNoSecrets,
  runBundle,
  visibleText,
  type ActionRun
} from '../../tools/e2e-harness.js'

const DAY = 86_400_000
const PASSWORD = 'correct horse battery'

function openssl(): string {
  try {
    return execFileSync('which', ['openssl']).toString().trim()
  } catch {
    throw new Error('openssl is needed by these tests (to open the .p12) and is not on PATH')
  }
}

const pem = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }).toString()
const rsa = (bits = 2048) => generateKeyPairSync('rsa', { modulusLength: bits }).privateKey

let key: KeyObject
let keyPem: string
let others: KeyObject[]
let fake: FakeAsc
const temps: string[] = []

beforeAll(() => {
  openssl()
  key = rsa()
  keyPem = pem(key)
  others = [rsa(), rsa(), rsa()]
})
beforeEach(async () => {
  fake = await startFakeAsc()
})
afterEach(async () => {
  expect(fake.violations).toEqual([])
  await fake.close()
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true })
})

async function sync(
  inputs: Record<string, string> = {},
  kind: 'team' | 'individual' = 'team',
  secret = keyPem
): Promise<ActionRun> {
  const run = await runBundle(
    'sync-certificates',
    { ...connectionInputs(fake, kind), 'signing-key': keyPem, 'p12-password': PASSWORD, ...inputs },
    { keepTemp: true }
  )
  temps.push(run.temp)
  expectNoSecrets(run, fake.keys.team.privateKey)
  expectNoSecrets(run, secret)
  expect(visibleText(run)).not.toContain(PASSWORD)
  if (inputs['p12-password'] !== '') expect(run.masked).toContain(PASSWORD)
  return run
}

/** Changing requests during `fn`, as `METHOD /path`. */
async function changesDuring(fn: () => Promise<ActionRun>) {
  const before = fake.changingRequests().length
  const requestsBefore = fake.requests.length
  const run = await fn()
  return {
    run,
    changes: fake
      .changingRequests()
      .slice(before)
      .map((r) => `${r.method} ${r.path}`),
    requests: fake.requests.slice(requestsBefore).filter((r) => r.api)
  }
}

const certificates = () => fake.store.list('certificates')

/** The key and certificate a .p12 holds, as openssl reads it (with and without -legacy). */
function openP12(path: string): { keys: KeyObject[]; certs: X509Certificate[] } {
  const read = (legacy: boolean) =>
    execFileSync(openssl(), [
      'pkcs12',
      ...(legacy ? ['-legacy'] : []),
      '-in',
      path,
      '-nodes',
      '-passin',
      `pass:${PASSWORD}`
    ]).toString()
  const text = read(true)
  expect(read(false)).toBe(text)
  const keys = [...text.matchAll(/-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----/g)]
  const certs = [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)]
  return {
    keys: keys.map((m) => createPrivateKey(m[0])),
    certs: certs.map((m) => new X509Certificate(m[0]))
  }
}

function expectP12Holds(run: ActionRun, content: string): void {
  const p12 = run.outputs['p12-path']
  const serial = run.outputs['serial-number']
  expect(p12).toBe(join(run.temp, 'certificates', `${serial}.p12`))
  expect(statSync(p12).mode & 0o777).toBe(0o600)
  const cer = join(run.temp, 'certificates', `${serial}.cer`)
  expect(statSync(cer).mode & 0o777).toBe(0o600)
  expect(readFileSync(cer).equals(Buffer.from(content, 'base64'))).toBe(true)
  const { keys, certs } = openP12(p12)
  expect(keys).toHaveLength(1)
  expect(certs).toHaveLength(1)
  expect(
    keys[0]
      .export({ type: 'pkcs8', format: 'der' })
      .equals(key.export({ type: 'pkcs8', format: 'der' }))
  ).toBe(true)
  expect(Buffer.from(certs[0].raw).equals(Buffer.from(content, 'base64'))).toBe(true)
}

describe('sync-certificates against the fake App Store Connect', () => {
  it('reuses the certificate of the key: one listing, no change, and a .p12 openssl opens', async () => {
    issueCertificate(fake, others[0])
    const mine = issueCertificate(fake, key)
    const { run, changes, requests } = await changesDuring(() => sync())
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(changes).toEqual([])
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/certificates'])
    expect(requests[0].query).toMatchObject({
      'filter[certificateType]': 'DISTRIBUTION',
      limit: '200'
    })
    expect(run.outputs).toMatchObject({
      'certificate-id': mine.id,
      'serial-number': mine.attributes.serialNumber,
      'expiration-date': mine.attributes.expirationDate,
      created: 'false'
    })
    expectP12Holds(run, String(mine.attributes.certificateContent))
    expect(run.summary).toMatch(/^## Sync certificates\n\n✅ Used the existing certificate/)
  })

  it('creates a certificate from a CSR when none is for the key, and a rerun reuses it', async () => {
    issueCertificate(fake, others[0])
    const first = await changesDuring(() => sync())
    expect(first.run.errors).toEqual([])
    expect(first.changes).toEqual(['POST /v1/certificates'])
    expect(first.run.outputs.created).toBe('true')
    const made = fake.store.get('certificates', first.run.outputs['certificate-id'])!
    expect(made.attributes.certificateType).toBe('DISTRIBUTION')
    const x509 = new X509Certificate(
      Buffer.from(String(made.attributes.certificateContent), 'base64')
    )
    expect(x509.publicKey.export({ type: 'spki', format: 'der' })).toEqual(
      createPublicKey(key).export({ type: 'spki', format: 'der' })
    )
    expectP12Holds(first.run, String(made.attributes.certificateContent))

    const second = await changesDuring(() => sync())
    expect(second.changes).toEqual([])
    expect(second.run.outputs).toMatchObject({ 'certificate-id': made.id, created: 'false' })
    expect(certificates()).toHaveLength(2)
  })

  it('renews a certificate expiring within renew-within-days, keeping the old one', async () => {
    const old = issueCertificate(fake, key, 'DISTRIBUTION', {
      overrides: { expirationDate: new Date(Date.now() + 10 * DAY).toISOString() }
    })
    const { run, changes } = await changesDuring(() => sync({ 'renew-within-days': '30' }))
    expect(run.errors).toEqual([])
    expect(changes).toEqual(['POST /v1/certificates'])
    expect(run.outputs.created).toBe('true')
    expect(run.outputs['certificate-id']).not.toBe(old.id)
    expect(fake.store.get('certificates', old.id)).toBeDefined()
    expect(run.summary).toContain(
      `renewing ${String(old.attributes.serialNumber)} (kept, not revoked)`
    )
    // With a shorter window the old one is still good enough.
    const again = await changesDuring(() => sync({ 'renew-within-days': '5' }))
    expect(again.changes).toEqual([])
  })

  it("fails at Apple's certificate limit with one error listing the certificates of the type", async () => {
    const existing = others.map((k) => issueCertificate(fake, k))
    const { run, changes } = await changesDuring(() => sync())
    expect(run.code).not.toBe(0)
    expect(changes).toEqual(['POST /v1/certificates'])
    expect(run.errors).toHaveLength(1)
    const [error] = run.errors
    expect(error).toContain("Apple's limit of DISTRIBUTION certificates is reached")
    expect(error).toContain('You already have a current Distribution certificate')
    for (const c of existing) expect(error).toContain(`serial ${String(c.attributes.serialNumber)}`)
    expect(error).toMatch(/revoking one you no longer use/)
    expect(certificates()).toHaveLength(3)
    expect(run.summary).toContain('❌ ')
  })

  it('dry-run says it would create and changes nothing', async () => {
    const { run, changes } = await changesDuring(() => sync({ 'dry-run': 'true' }))
    expect(run.errors).toEqual([])
    expect(changes).toEqual([])
    expect(run.outputs).toMatchObject({ created: 'false', 'p12-path': '', 'certificate-id': '' })
    expect(run.summary).toContain('Dry run: would create a DISTRIBUTION certificate')
    expect(existsSync(join(run.temp, 'certificates'))).toBe(false)
  })

  it('recovers a lost answer to the POST by reading: one certificate, never two', async () => {
    const fault = fake.faults.add({ method: 'POST', path: '/v1/certificates', kind: 'drop' })
    const { run, changes } = await changesDuring(() => sync())
    expect(fault.hits).toBe(1)
    expect(run.errors).toEqual([])
    expect(changes).toEqual(['POST /v1/certificates'])
    expect(certificates()).toHaveLength(1)
    expect(run.outputs).toMatchObject({ 'certificate-id': certificates()[0].id, created: 'true' })
    expect(run.summary).toContain('Recovered a lost answer')
    expectP12Holds(run, String(certificates()[0].attributes.certificateContent))
  })

  describe('bad input is refused before any request, the key never echoed', () => {
    const refused = async (
      inputs: Record<string, string>,
      input: string,
      secret = keyPem,
      kind: 'team' | 'individual' = 'team'
    ) => {
      const run = await sync(inputs, kind, secret)
      expect(run.code).not.toBe(0)
      expect(run.errors).toHaveLength(1)
      expect(run.errors[0]).toContain(`'${input}'`)
      expect(fake.requests.filter((r) => r.api)).toEqual([])
      return run.errors[0]
    }

    it('an EC key', async () => {
      const ec = pem(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey)
      expect(await refused({ 'signing-key': ec }, 'signing-key', ec)).toContain('is an EC key')
    })
    it('a short RSA key, and a base64 one', async () => {
      const short = pem(rsa(1024))
      expect(await refused({ 'signing-key': short }, 'signing-key', short)).toContain(
        'RSA 1024-bit'
      )
      const b64 = Buffer.from(short).toString('base64')
      expect(await refused({ 'signing-key': b64 }, 'signing-key', short)).toContain('RSA 1024-bit')
    })
    it('garbage', async () => {
      const garbage = 'not-a-key-but-a-secret-anyway-1234567890'
      const error = await refused({ 'signing-key': garbage }, 'signing-key', garbage)
      expect(error).toContain('openssl genrsa -out signing.key 2048')
    })
    it('an empty p12-password', async () => {
      await refused({ 'p12-password': '' }, 'p12-password')
    })
    it('an individual key', async () => {
      await refused({}, 'issuer-id', keyPem, 'individual')
    })
    it('an unknown certificate type, with the nearest ones', async () => {
      const error = await refused({ 'certificate-type': 'DISTRIBUTON' }, 'certificate-type')
      expect(error).toContain('did you mean DISTRIBUTION')
    })
    it('an output-dir that is a file', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'certs-'))
      temps.push(dir)
      writeFileSync(join(dir, 'file'), '')
      const error = await refused({ 'output-dir': join(dir, 'file') }, 'output-dir')
      expect(error).toContain('is a file, not a folder')
    })
  })

  it('takes the key from signing-key-path, PEM with literal \\n, and base64', async () => {
    const mine = issueCertificate(fake, key)
    const dir = mkdtempSync(join(tmpdir(), 'certs-'))
    temps.push(dir)
    writeFileSync(join(dir, 'signing.key'), key.export({ type: 'pkcs1', format: 'pem' }))
    for (const inputs of <Record<string, string>[]>[
      { 'signing-key': '', 'signing-key-path': join(dir, 'signing.key') },
      { 'signing-key': keyPem.replace(/\n/g, '\\n') },
      { 'signing-key': Buffer.from(keyPem).toString('base64') }
    ]) {
      const run = await sync(inputs)
      expect(run.errors).toEqual([])
      expect(run.outputs['certificate-id']).toBe(mine.id)
    }
    expect(fake.changingRequests()).toEqual([])
  })
})
