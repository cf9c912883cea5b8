import { describe, expect, it } from '@jest/globals'
import { generateKeyPairSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { Inputs } from '../../../src/shared/inputs.js'
import { CERTIFICATE_TYPES } from '../../../src/sync-certificates/certificate-types.js'
import { readSettings } from '../../../src/sync-certificates/settings.js'
import { parseSigningKey } from '../../../src/sync-certificates/signing-key.js'
import { configurationError } from '../../support/configuration-error.js'
import { ROOT } from '../../../tools/e2e-harness.js'

const pem = (
  k: ReturnType<typeof generateKeyPairSync>['privateKey'],
  type: 'pkcs8' | 'pkcs1' = 'pkcs8'
) => k.export({ type, format: 'pem' }).toString()
const apiKey = pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey

const base = {
  'key-id': 'ABC123DEF4',
  'issuer-id': '57246542-96fe-1a63-e053-0824d011072a',
  'private-key': apiKey,
  'signing-key': pem(rsa2048),
  'p12-password': 'secret password'
}

function read(
  values: Record<string, string>,
  env: NodeJS.ProcessEnv = { RUNNER_TEMP: '/runner/temp' }
) {
  const inputs = new Inputs((name) => values[name], {})
  return { settings: readSettings(inputs, env), inputs }
}
const failure = (values: Record<string, string>) => configurationError(() => read(values))

describe('sync-certificates settings', () => {
  it('reads the defaults', () => {
    const { settings } = read(base)
    expect(settings).toMatchObject({
      certificateType: 'DISTRIBUTION',
      createMissing: true,
      renewWithinDays: 30,
      p12Password: 'secret password',
      outputDir: '/runner/temp/certificates',
      dryRun: false
    })
    expect(settings.signingKey.asymmetricKeyDetails?.modulusLength).toBe(2048)
  })

  it('reads every input', () => {
    const { settings } = read({
      ...base,
      'certificate-type': 'ios-development',
      'create-missing': 'false',
      'renew-within-days': '0',
      'output-dir': '/tmp/out',
      'dry-run': 'true'
    })
    expect(settings).toMatchObject({
      certificateType: 'IOS_DEVELOPMENT',
      createMissing: false,
      renewWithinDays: 0,
      outputDir: '/tmp/out',
      dryRun: true
    })
  })

  it('refuses an unknown certificate type with the nearest ones', () => {
    const e = failure({ ...base, 'certificate-type': 'DEVELOPEMENT' })
    expect(e.input).toBe('certificate-type')
    expect(e.message).toContain('did you mean DEVELOPMENT')
  })

  it('refuses an individual key, a missing or doubled signing key, and an empty password', () => {
    expect(failure({ ...base, 'issuer-id': '' }).input).toBe('issuer-id')
    expect(failure({ ...base, 'signing-key': '' }).input).toBe('signing-key')
    expect(failure({ ...base, 'signing-key-path': '/k.pem' }).input).toBe('signing-key-path')
    expect(failure({ ...base, 'p12-password': '' }).input).toBe('p12-password')
    expect(failure({ ...base, 'p12-password': '   ' }).input).toBe('p12-password')
    expect(
      failure({ ...base, 'signing-key': '', 'signing-key-path': '/nowhere/k.pem' }).message
    ).toContain("cannot read '/nowhere/k.pem' (ENOENT)")
  })

  it('reads exactly the inputs action.yml declares, both ways', () => {
    const action = parse(
      readFileSync(join(ROOT, 'actions', 'sync-certificates', 'action.yml'), 'utf8')
    )
    const { inputs } = read({ ...base })
    expect([...inputs.names].sort()).toEqual(Object.keys(action.inputs).sort())
  })

  it("lists exactly Apple's CertificateType enum", () => {
    const doc = JSON.parse(readFileSync(join(ROOT, 'openapi', 'openapi.oas.json'), 'utf8'))
    expect([...CERTIFICATE_TYPES]).toEqual(doc.components.schemas.CertificateType.enum)
  })
})

describe('signing key', () => {
  const text = pem(rsa2048)
  const der = rsa2048.export({ type: 'pkcs8', format: 'der' })
  it('takes PEM (PKCS#8 or PKCS#1), PEM with literal \\n, and base64 of the PEM', () => {
    for (const form of [
      text,
      pem(rsa2048, 'pkcs1'),
      text.replace(/\n/g, '\\n'),
      Buffer.from(text).toString('base64'),
      `  ${text}\r\n`
    ])
      expect(parseSigningKey(form).export({ type: 'pkcs8', format: 'der' })).toEqual(der)
  })

  it('refuses other keys and text, naming the input and never quoting the key', () => {
    const cases: Array<[string, RegExp]> = [
      [pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey), /is an EC key/],
      [pem(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey), /RSA 1024-bit/],
      [pem(generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey), /RSA 4096-bit/],
      [pem(generateKeyPairSync('ed25519').privateKey), /is an ED25519 key/],
      [
        generateKeyPairSync('rsa', { modulusLength: 2048 })
          .publicKey.export({ type: 'spki', format: 'pem' })
          .toString(),
        /not a private key \(a public key or certificate\?\)/
      ],
      [
        rsa2048
          .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' })
          .toString(),
        /encrypted with a passphrase/
      ],
      ['-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', /could not be read/],
      ['hello world, not a key', /is not a private key/]
    ]
    for (const [value, message] of cases) {
      const e = configurationError(() => parseSigningKey(value))
      expect(e.input).toBe('signing-key')
      expect(e.message).toMatch(message)
      const body = value.split('\n').find((l) => l.length > 20 && !l.startsWith('-----'))
      if (body) expect(e.message).not.toContain(body)
    }
  })
})
