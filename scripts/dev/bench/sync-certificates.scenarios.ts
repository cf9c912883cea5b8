// sync-certificates: the signing key's certificate among 5 others of the type, 50 ms latency.
// The fewest requests the API allows:
//   reuse  1: GET /v1/certificates?filter[certificateType]=…&fields[certificates]=…certificateContent&limit=200
//   create 2: that listing, then POST /v1/certificates (the certificate's content is in the answer).
// Also reported: the bundle's size and its start-up (node running it to its first input check),
// beside a bare `node -e 0`: the crypto (CSR, PKCS#12, DER) is Node's own plus ~500 lines of ours.
import { spawnSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import {
  certificatesState,
  issueCertificate
} from '../../../tools/fake-asc/domains/certificates.js'
import { startFakeAsc } from '../../../tools/fake-asc/index.js'
import { nodeBinary, ROOT } from '../../../tools/e2e-harness.js'
import { formatBytes, timedBundle, type Scenario } from './lib.js'

const LATENCY_MS = 50
const BUNDLE = join(ROOT, 'dist', 'sync-certificates', 'index.js')

/** Median wall time of `node <args>` over a few runs (exit code ignored: no inputs is an error). */
function startupMs(args: string[], runs = 5): number {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    spawnSync(nodeBinary(), args, { env: { PATH: process.env.PATH ?? '' }, stdio: 'ignore' })
    times.push(performance.now() - started)
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]
}

function scenario(create: boolean): Scenario {
  return {
    name: `sync-certificates: ${create ? 'create the certificate' : 'reuse the certificate'} (5 others of the type), ${LATENCY_MS} ms latency`,
    async run() {
      const fake = await startFakeAsc({ latencyMs: LATENCY_MS })
      try {
        const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
        certificatesState(fake).limits = {} // 5 others of the type: no limit here
        for (let i = 0; i < 5; i++)
          issueCertificate(fake, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)
        if (!create) issueCertificate(fake, key)
        const api = fake.keys.team
        const run = await timedBundle('sync-certificates', {
          'key-id': api.keyId,
          'issuer-id': api.issuerId,
          'private-key': api.privateKey,
          'api-base-url': fake.url,
          'signing-key': key.export({ type: 'pkcs8', format: 'pem' }).toString(),
          'p12-password': 'bench password'
        })
        const minimum = create ? 2 : 1
        const changes = fake.changingRequests().length
        const bare = startupMs(['-e', '0'])
        const startup = startupMs([BUNDLE])
        return {
          scenario: this.name,
          requests: fake.requests.length,
          minimum,
          wallMs: run.wallMs,
          peakRssBytes: run.peakRssBytes,
          bound: {
            label: `start-up + ${minimum} × latency`,
            valueMs: startup + minimum * LATENCY_MS
          },
          ok:
            fake.requests.length === minimum &&
            changes === (create ? 1 : 0) &&
            run.outputs.created === String(create) &&
            fake.violations.length === 0,
          notes: [
            `bundle ${formatBytes(statSync(BUNDLE).size)} (${statSync(BUNDLE).size} bytes)`,
            `start-up ${startup.toFixed(0)} ms to the first input check (bare node ${bare.toFixed(0)} ms)`,
            `${changes} changing request(s); process start-up included in wall time`
          ]
        }
      } finally {
        await fake.close()
      }
    }
  }
}

export const scenarios: Scenario[] = [scenario(false), scenario(true)]
