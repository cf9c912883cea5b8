// expire-builds: 1,000 builds at 50 ms latency. The fewest requests: one app lookup, one listing
// page per 200 builds, one PATCH per expired build. Lower bound on wall time: the lookup and the
// pages one after another, the PATCHes 8 at a time; the promise is 1.2 × that.
import { startFakeAsc } from '../../../tools/fake-asc/index.js'
import { seedHistory } from '../../../tools/seeds/expire-builds.js'
import { timedBundle, type Scenario } from './lib.js'

const LATENCY_MS = 50
const CONCURRENCY = 8

function expireScenario(count: number, keepLatest: number, by: 'bundle-id' | 'app-id'): Scenario {
  return {
    name: `expire-builds: ${count} builds, keep-latest ${keepLatest}, by ${by}, ${LATENCY_MS} ms latency`,
    async run() {
      const fake = await startFakeAsc({ latencyMs: LATENCY_MS })
      try {
        const { app, builds } = seedHistory(fake.store, { count, plain: true })
        const platforms = new Set(builds.map((b) => b.platform)).size
        const toExpire = count - keepLatest * platforms
        const key = fake.keys.team
        const run = await timedBundle('expire-builds', {
          'key-id': key.keyId,
          'issuer-id': key.issuerId,
          'private-key': key.privateKey,
          'api-base-url': fake.url,
          ...(by === 'app-id' ? { 'app-id': app.id } : { 'bundle-id': 'com.example.hygiene' }),
          'keep-latest': String(keepLatest)
        })
        const expired = Number(run.outputs['expired-count'])
        const pages = Math.ceil(count / 200)
        const minimum = 1 + pages + toExpire
        const lowerBound = (1 + pages) * LATENCY_MS + (toExpire * LATENCY_MS) / CONCURRENCY
        const bound = 1.2 * lowerBound
        const requests = fake.requests.filter((r) => r.api).length
        return {
          scenario: this.name,
          requests,
          minimum,
          wallMs: run.wallMs,
          peakRssBytes: run.peakRssBytes,
          bound: { label: '1.2 × lower bound', valueMs: bound },
          ok:
            expired === toExpire &&
            requests === minimum &&
            run.wallMs <= bound &&
            fake.violations.length === 0,
          notes: [
            `${expired} expired, ${run.outputs['kept-count']} kept`,
            `lower bound ${(lowerBound / 1000).toFixed(2)}s`,
            'process start-up included in wall time'
          ]
        }
      } finally {
        await fake.close()
      }
    }
  }
}

export const scenarios: Scenario[] = [
  expireScenario(1000, 10, 'bundle-id'),
  // With app-id, the app lookup and the first listing page go out together.
  expireScenario(1000, 10, 'app-id')
]
