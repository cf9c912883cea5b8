// api: paging through a large collection. The fewest requests: one per 200 items.
import { startFakeAsc } from '../../../tools/fake-asc/index.js'
import { timedBundle, type Scenario } from './lib.js'

const LATENCY_MS = 50

function pagingScenario(apps: number): Scenario {
  return {
    name: `api: GET /v1/apps, ${apps} apps, paginate, ${LATENCY_MS} ms latency`,
    async run() {
      const fake = await startFakeAsc({ latencyMs: LATENCY_MS })
      try {
        for (let i = 0; i < apps; i++)
          fake.store.create('apps', {
            name: `App ${i}`,
            bundleId: `com.example.bench${i}`,
            sku: `B${i}`,
            primaryLocale: 'en-US'
          })
        const key = fake.keys.team
        const run = await timedBundle('api', {
          'key-id': key.keyId,
          'issuer-id': key.issuerId,
          'private-key': key.privateKey,
          'api-base-url': fake.url,
          operation: 'GET /v1/apps',
          query: 'fields[apps]=bundleId',
          paginate: 'true'
        })
        const items = JSON.parse(run.outputs.json).data.length
        const minimum = Math.ceil(apps / 200)
        const lowerBound = minimum * LATENCY_MS
        return {
          scenario: this.name,
          requests: fake.requests.length,
          minimum,
          wallMs: run.wallMs,
          peakRssBytes: run.peakRssBytes,
          bound: { label: 'pages × latency', valueMs: lowerBound },
          ok: items === apps && fake.requests.length === minimum && fake.violations.length === 0,
          notes: [`${items} items merged`, `process start-up included in wall time`]
        }
      } finally {
        await fake.close()
      }
    }
  }
}

export const scenarios: Scenario[] = [pagingScenario(1000)]
