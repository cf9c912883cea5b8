// sync-profiles: 20 bundle IDs × 2 profile types, 5 profiles needing replacement, 50 ms latency.
// The fewest requests the API allows:
//   reads  4: GET /v1/bundleIds?filter[identifier]=<all 20>&include=profiles (the profiles' ids),
//             GET /v1/profiles?filter[id]=<those>&include=certificates,devices (content included),
//             GET /v1/certificates?filter[certificateType]=…, GET /v1/devices?filter[status]=ENABLED…
//             (bundle IDs, certificates and devices in parallel; the profiles once their ids are known)
//   writes 2 per replacement: POST /v1/profiles (the new one, content in the answer), DELETE the old.
//   look again 1 (when anything was created): GET /v1/profiles?filter[name]=<every new one>, so
//             two runs at once never leave two profiles of one name.
// Critical path: 2 read round trips, then POST and DELETE (replacements in parallel), then the look
// again = 5 × latency.
// The bundle IDs and capabilities scenario adds only the writes it needs: POST /v1/bundleIds per
// missing bundle ID, POST /v1/bundleIdCapabilities per missing capability, and the profiles Apple
// invalidated replaced (POST + DELETE); the bundle IDs read includes their capabilities.
import { seedProfile } from '../../../tools/fake-asc/domains/provisioning.js'
import { startFakeAsc } from '../../../tools/fake-asc/index.js'
import { timedBundle, type Scenario } from './lib.js'

const LATENCY_MS = 50
const DAY = 86_400_000

function syncScenario(bundles: number, replace: number): Scenario {
  return {
    name: `sync-profiles: ${bundles} bundle IDs × 2 types, ${replace} to replace, ${LATENCY_MS} ms latency`,
    async run() {
      const fake = await startFakeAsc({ latencyMs: LATENCY_MS })
      try {
        const iso = (days: number) => new Date(Date.now() + days * DAY).toISOString()
        const cert = (type: string) =>
          fake.store.create('certificates', {
            name: type,
            displayName: type,
            certificateType: type,
            serialNumber: type,
            platform: 'IOS',
            expirationDate: iso(300),
            activated: true
          })
        const dist = cert('DISTRIBUTION')
        const dev = cert('DEVELOPMENT')
        const devices = Array.from({ length: 10 }, (_, i) =>
          fake.store.create('devices', {
            name: `iPhone ${i}`,
            udid: `00008110-${String(i).padStart(16, '0')}`,
            platform: 'IOS',
            deviceClass: 'IPHONE',
            status: 'ENABLED'
          })
        )
        const ids: string[] = []
        let toReplace = replace
        for (let i = 0; i < bundles; i++) {
          const identifier = `com.example.bench${i}`
          ids.push(identifier)
          const bundleId = fake.store.create('bundleIds', {
            name: identifier,
            identifier,
            platform: 'IOS',
            seedId: 'TEAM123456'
          })
          const bad = toReplace-- > 0
          seedProfile(fake.store, {
            name: `${identifier} App Store`,
            profileType: 'IOS_APP_STORE',
            bundleId,
            certificates: [dist],
            overrides: {
              expirationDate: iso(bad && i % 2 === 0 ? 7 : 200),
              ...(bad && i % 2 === 1 ? { profileState: 'INVALID' } : {})
            }
          })
          seedProfile(fake.store, {
            name: `${identifier} Development`,
            profileType: 'IOS_APP_DEVELOPMENT',
            bundleId,
            certificates: [dev],
            devices,
            overrides: { expirationDate: iso(200) }
          })
        }
        const key = fake.keys.team
        const run = await timedBundle('sync-profiles', {
          'key-id': key.keyId,
          'issuer-id': key.issuerId,
          'private-key': key.privateKey,
          'api-base-url': fake.url,
          'bundle-ids': ids.join(','),
          'profile-types': 'IOS_APP_STORE,IOS_APP_DEVELOPMENT',
          install: 'true'
        })
        const minimum = 4 + 2 * replace + (replace > 0 ? 1 : 0)
        const profiles = JSON.parse(run.outputs.profiles) as unknown[]
        const changes = fake.changingRequests().length
        return {
          scenario: this.name,
          requests: fake.requests.length,
          minimum,
          wallMs: run.wallMs,
          peakRssBytes: run.peakRssBytes,
          bound: { label: 'critical path 5 × latency', valueMs: 5 * LATENCY_MS },
          ok:
            fake.requests.length === minimum &&
            changes === 2 * replace &&
            profiles.length === 2 * bundles &&
            run.outputs['renewed-count'] === String(replace) &&
            fake.violations.length === 0,
          notes: [
            `${profiles.length} profiles written to output-dir and both install folders (${profiles.length * 3} files, 8 at a time)`,
            `${changes} changing requests`,
            'process start-up included in wall time'
          ]
        }
      } finally {
        await fake.close()
      }
    }
  }
}

/**
 * `existing` bundle IDs with an App Store profile each and none of the capability, `missing` ones to
 * register; `capabilities: PUSH_NOTIFICATIONS, APP_GROUPS` on all of them.
 */
function capabilitiesScenario(existing: number, missing: number): Scenario {
  const capabilities = ['PUSH_NOTIFICATIONS', 'APP_GROUPS']
  return {
    name: `sync-profiles: ${existing} bundle IDs + ${missing} to register, ${capabilities.length} capabilities, ${LATENCY_MS} ms latency`,
    async run() {
      const fake = await startFakeAsc({ latencyMs: LATENCY_MS })
      try {
        const dist = fake.store.create('certificates', {
          name: 'Distribution',
          displayName: 'Distribution',
          certificateType: 'DISTRIBUTION',
          serialNumber: 'DISTRIBUTION',
          platform: 'IOS',
          expirationDate: new Date(Date.now() + 300 * DAY).toISOString(),
          activated: true
        })
        const ids: string[] = []
        for (let i = 0; i < existing; i++) {
          const identifier = `com.example.cap${i}`
          ids.push(identifier)
          const bundleId = fake.store.create('bundleIds', {
            name: `cap ${i}`,
            identifier,
            platform: 'IOS',
            seedId: 'TEAM123456'
          })
          seedProfile(fake.store, {
            name: `${identifier} App Store`,
            profileType: 'IOS_APP_STORE',
            bundleId,
            certificates: [dist]
          })
        }
        for (let i = 0; i < missing; i++) ids.push(`com.example.new${i}`)
        const key = fake.keys.team
        const run = await timedBundle('sync-profiles', {
          'key-id': key.keyId,
          'issuer-id': key.issuerId,
          'private-key': key.privateKey,
          'api-base-url': fake.url,
          'bundle-ids': ids.join(','),
          'profile-types': 'IOS_APP_STORE',
          'register-bundle-ids': 'true',
          capabilities: capabilities.join(',')
        })
        const all = existing + missing
        // Writes: register, enable each capability everywhere, create or replace every profile.
        const writes = missing + capabilities.length * all + all + existing
        // Reads: bundle IDs (capabilities and profiles included), certificates, profiles, look again.
        const minimum = 4 + writes
        const changes = fake.changingRequests().length
        return {
          scenario: this.name,
          requests: fake.requests.length,
          minimum,
          wallMs: run.wallMs,
          peakRssBytes: run.peakRssBytes,
          // Reads (2 round trips), register, enable, create, delete, look again.
          bound: { label: 'critical path 7 × latency', valueMs: 7 * LATENCY_MS },
          ok:
            run.code === 0 &&
            fake.requests.length === minimum &&
            changes === writes &&
            run.outputs['created-count'] === String(missing) &&
            run.outputs['renewed-count'] === String(existing) &&
            fake.violations.length === 0,
          notes: [
            `${missing} bundle IDs registered, ${capabilities.length * all} capabilities enabled, ${existing} invalidated profiles replaced`,
            `${changes} changing requests`,
            'process start-up included in wall time'
          ]
        }
      } finally {
        await fake.close()
      }
    }
  }
}

export const scenarios: Scenario[] = [syncScenario(20, 5), capabilitiesScenario(3, 2)]
