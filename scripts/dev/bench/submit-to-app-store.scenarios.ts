// submit-to-app-store and release-to-app-store at 50 ms latency.
// A new version end to end: the fewest requests are the app, the versions of the platform with
// their includes (build, localizations, review details, phased release, the app's primary locale),
// the build, the open review submissions (to reuse an unsubmitted one), the new version's
// localizations (Apple creates the primary one), then one write per change: export compliance, the
// version (with its build and release type), two localizations, review details, phased release,
// the submission, its item and `submitted`. Lower bound on wall time: the round trips that depend
// on each other (the four independent writes go out together). A rerun: the reads only.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeAsc } from '../../../tools/fake-asc/index.js'
import { seedStoreApp } from '../../../tools/seeds/app-store.js'
import { seedVersion } from '../../../tools/fake-asc/domains/app-store.js'
import { timedBundle, type BenchResult, type Scenario } from './lib.js'

const LATENCY_MS = 50

function submitScenario(): Scenario {
  return {
    name: `submit-to-app-store: new version end to end, then its rerun, ${LATENCY_MS} ms latency`,
    async run() {
      const fake = await startFakeAsc({ latencyMs: LATENCY_MS })
      try {
        seedStoreApp(fake)
        const dir = mkdtempSync(join(tmpdir(), 'bench-submit-'))
        const metadata = join(dir, 'metadata.json')
        writeFileSync(
          metadata,
          JSON.stringify({ 'de-DE': { description: 'Ein Laden.', whatsNew: 'Schneller.' } })
        )
        const key = fake.keys.team
        const inputs = {
          'key-id': key.keyId,
          'issuer-id': key.issuerId,
          'private-key': key.privateKey,
          'api-base-url': fake.url,
          'bundle-id': 'com.example.storefront',
          version: '2.0',
          'build-number': '42',
          'uses-non-exempt-encryption': 'false',
          'whats-new': 'Faster checkout.',
          'metadata-file': metadata,
          'review-notes': 'Demo account: none needed.',
          'phased-release': 'true'
        }
        const run = await timedBundle('submit-to-app-store', inputs)
        const requests = fake.requests.filter((r) => r.api).length
        const writes = fake.changingRequests().length
        const minimum = 5 + 9
        const roundTrips = 1 + 1 + 1 + 1 + 1 + 1 + 3 // app, reads, compliance, version, localizations, writes, submit ×3
        fake.clearLog()
        const rerun = await timedBundle('submit-to-app-store', inputs)
        const rerunRequests = fake.requests.filter((r) => r.api).length
        const rerunWrites = fake.changingRequests().length
        const result: BenchResult = {
          scenario: this.name,
          requests,
          minimum,
          wallMs: run.wallMs,
          peakRssBytes: run.peakRssBytes,
          bound: {
            label: 'round trips × latency + 1 s start-up',
            valueMs: roundTrips * LATENCY_MS + 1000
          },
          ok:
            run.outputs['app-store-state'] === 'WAITING_FOR_REVIEW' &&
            writes === 9 &&
            requests === minimum &&
            rerunWrites === 0 &&
            rerunRequests === 4 &&
            fake.violations.length === 0,
          notes: [
            `${writes} changing request(s); lower bound ${roundTrips} dependent round trips (${roundTrips * LATENCY_MS} ms)`,
            `rerun: ${rerunRequests} requests (app, versions, build, submissions), ${rerunWrites} changing, ${(rerun.wallMs / 1000).toFixed(2)}s`,
            'process start-up included in wall time'
          ]
        }
        return result
      } finally {
        await fake.close()
      }
    }
  }
}

function releaseScenario(): Scenario {
  return {
    name: `release-to-app-store: release a version pending developer release, ${LATENCY_MS} ms latency`,
    async run() {
      const fake = await startFakeAsc({ latencyMs: LATENCY_MS })
      try {
        const { app, build } = seedStoreApp(fake)
        seedVersion(fake, app.id, {
          versionString: '2.0',
          state: 'PENDING_DEVELOPER_RELEASE',
          buildId: build.id
        })
        const key = fake.keys.team
        const run = await timedBundle('release-to-app-store', {
          'key-id': key.keyId,
          'issuer-id': key.issuerId,
          'private-key': key.privateKey,
          'api-base-url': fake.url,
          'app-id': app.id,
          version: '2.0'
        })
        const requests = fake.requests.filter((r) => r.api).length
        // With app-id, the app and the version are read together; then one release request.
        const minimum = 3
        return {
          scenario: this.name,
          requests,
          minimum,
          wallMs: run.wallMs,
          peakRssBytes: run.peakRssBytes,
          ok:
            run.outputs['app-store-state'] === 'READY_FOR_DISTRIBUTION' &&
            requests === minimum &&
            fake.violations.length === 0,
          notes: ['2 dependent round trips', 'process start-up included in wall time']
        }
      } finally {
        await fake.close()
      }
    }
  }
}

export const scenarios: Scenario[] = [submitScenario(), releaseScenario()]
