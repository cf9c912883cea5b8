// next-build-number: 1,000 builds (and a few uploads in flight) at 50 ms latency. The fewest
// requests: one app lookup, one page per 200 builds, one page of build uploads; nothing changed.
// Lower bound on wall time: the same requests sent again by a bare client on the critical path (the
// lookup, with bundle-id; then the build pages one after another, the upload page beside them), so
// the fake's own time per page counts in it, plus starting the process (measured on the spot: the
// bundle run with no inputs, which fails before any request). The promise: 1.2 × that.
import { startFakeAsc } from '../../../tools/fake-asc/index.js'
import {
  BUNDLE_ID,
  plainHistory,
  seedBuilds,
  seedNumbersApp,
  seedUploads
} from '../../../tools/seeds/next-build-number.js'
import { call } from '../../../__tests__/support/fake-asc-helpers.js'
import type { FakeAsc, RecordedRequest } from '../../../tools/fake-asc/index.js'
import { timedBundle, type Scenario } from './lib.js'

const LATENCY_MS = 50

/** Sends `requests` again with a bare client, on the action's critical path; wall time in ms. */
/** Starting the bundle and failing on its first input: the process's own cost, in ms. */
async function startUpMs(): Promise<number> {
  const started = performance.now()
  await timedBundle('next-build-number', {}).catch(() => undefined)
  return performance.now() - started
}

async function replay(fake: FakeAsc, requests: RecordedRequest[], lookupFirst: boolean) {
  const send = async (r: RecordedRequest) => {
    const res = await call(fake, r.method, `${r.path}?${new URLSearchParams(r.query)}`)
    if (res.status !== 200) throw new Error(`replay of ${r.path} answered ${res.status}`)
  }
  const lookup = requests.filter(
    (r) => r.path.startsWith('/v1/apps') && !r.path.endsWith('/buildUploads')
  )
  const rest = async () => {
    const uploads = Promise.all(requests.filter((r) => r.path.endsWith('/buildUploads')).map(send))
    for (const r of requests.filter((r) => r.path === '/v1/builds')) await send(r)
    await uploads
  }
  const started = performance.now()
  if (lookupFirst) {
    for (const r of lookup) await send(r)
    await rest()
  } else await Promise.all([...lookup.map(send), rest()])
  return performance.now() - started
}

function scenario(count: number, by: 'bundle-id' | 'app-id'): Scenario {
  return {
    name: `next-build-number: ${count} builds, 3 uploads in flight, by ${by}, ${LATENCY_MS} ms latency`,
    async run() {
      const fake = await startFakeAsc({ latencyMs: LATENCY_MS })
      try {
        const { app } = seedNumbersApp(fake)
        seedBuilds(fake, app, plainHistory(count))
        seedUploads(fake, app, [
          { version: '9.0', buildNumber: String(count + 1), state: 'AWAITING_UPLOAD' },
          { version: '9.0', buildNumber: String(count + 2), state: 'PROCESSING' },
          { version: '9.0', buildNumber: String(count + 3), state: 'COMPLETE' }
        ])
        // Warm the fake (its first filtered listing compiles code paths) so the run and the replay
        // below meet the same server.
        await call(
          fake,
          'GET',
          `/v1/builds?filter[app]=${app.id}&filter[preReleaseVersion.platform]=IOS&include=preReleaseVersion&limit=200`
        )
        await call(fake, 'GET', `/v1/apps/${app.id}/buildUploads?filter[platform]=IOS&limit=200`)
        fake.clearLog()
        const key = fake.keys.team
        const run = await timedBundle('next-build-number', {
          'key-id': key.keyId,
          'issuer-id': key.issuerId,
          'private-key': key.privateKey,
          'api-base-url': fake.url,
          ...(by === 'app-id' ? { 'app-id': app.id } : { 'bundle-id': BUNDLE_ID })
        })
        const pages = Math.ceil(count / 200)
        const minimum = 1 + pages + 1
        const api = fake.requests.filter((r) => r.api)
        const changing = fake.changingRequests().length
        const lowerBound = await replay(fake, api, by === 'bundle-id')
        const startUp = await startUpMs()
        const bound = 1.2 * (lowerBound + startUp)
        const expected = String(count + 4)
        return {
          scenario: this.name,
          requests: api.length,
          minimum,
          wallMs: run.wallMs,
          peakRssBytes: run.peakRssBytes,
          bound: { label: '1.2 × (lower bound + start-up)', valueMs: bound },
          ok:
            run.outputs['build-number'] === expected &&
            api.length === minimum &&
            changing === 0 &&
            run.wallMs <= bound &&
            fake.violations.length === 0,
          notes: [
            `build-number ${run.outputs['build-number']} (expected ${expected}), source ${run.outputs.source}`,
            `${changing} changing request(s)`,
            `lower bound ${(lowerBound / 1000).toFixed(2)}s (the same requests replayed by a bare client)`,
            `start-up ${(startUp / 1000).toFixed(2)}s (included in wall time)`
          ]
        }
      } finally {
        await fake.close()
      }
    }
  }
}

export const scenarios: Scenario[] = [scenario(1000, 'bundle-id'), scenario(1000, 'app-id')]
