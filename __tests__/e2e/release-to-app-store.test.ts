import { afterEach, describe, expect, it } from '@jest/globals'
import { startFakeAsc, type FakeAsc, type Resource } from '../../tools/fake-asc/index.js'
import {
  connectionInputs,
  expectNoSecrets,
  runBundle,
  type ActionRun
} from '../../tools/e2e-harness.js'
import { seedStoreApp } from '../../tools/seeds/app-store.js'
import { seedVersion } from '../../tools/fake-asc/domains/app-store.js'

let fake: FakeAsc | undefined

afterEach(async () => {
  await fake?.close()
  fake = undefined
})

/** An app whose 2.0 App Review approved, waiting for the developer, with a phased release. */
async function approved(o: { phased?: boolean; state?: string } = {}) {
  fake = await startFakeAsc()
  const seed = seedStoreApp(fake, {})
  const version = seedVersion(fake, seed.app.id, {
    versionString: '2.0',
    state: o.state ?? 'PENDING_DEVELOPER_RELEASE',
    buildId: seed.build.id,
    releaseType: 'MANUAL'
  })
  const phased =
    o.phased === false
      ? undefined
      : fake.store.create(
          'appStoreVersionPhasedReleases',
          { phasedReleaseState: 'INACTIVE' },
          { appStoreVersion: version }
        )
  return { fake, seed, version, phased }
}

async function release(f: FakeAsc, inputs: Record<string, string>): Promise<ActionRun> {
  const run = await runBundle('release-to-app-store', {
    ...connectionInputs(f),
    'bundle-id': 'com.example.storefront',
    version: '2.0',
    ...inputs
  })
  expectNoSecrets(run, f.keys.team.privateKey)
  expect(f.violations).toEqual([])
  return run
}

const stateOf = (f: FakeAsc, r: Resource) => f.store.must(r.type, r.id).attributes

describe('release-to-app-store, run as a runner runs it', () => {
  it('releases a version pending developer release with one request; a rerun changes nothing', async () => {
    const { fake, version, phased } = await approved()
    const run = await release(fake, {})
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(stateOf(fake, version).appVersionState).toBe('READY_FOR_DISTRIBUTION')
    expect(stateOf(fake, phased!).phasedReleaseState).toBe('ACTIVE')
    expect(fake.changingRequests().map((r) => r.operation)).toEqual([
      'POST /v1/appStoreVersionReleaseRequests'
    ])
    expect(run.outputs).toEqual({
      'version-id': version.id,
      'app-store-state': 'READY_FOR_DISTRIBUTION',
      'phased-release-state': 'ACTIVE'
    })
    expect(run.summary).toMatch(/^## Release to App Store\n\n✅ 2\.0 released\./)

    fake.clearLog()
    const again = await release(fake, {})
    expect(again.code).toBe(0)
    expect(fake.changingRequests()).toEqual([])
    expect(again.summary).toContain('Nothing changed: 2.0 is already released')
  })

  it('pauses, resumes and completes the phased release', async () => {
    const { fake, phased } = await approved({ state: 'READY_FOR_DISTRIBUTION' })
    fake.store.update('appStoreVersionPhasedReleases', phased!.id, {
      attributes: { phasedReleaseState: 'ACTIVE' }
    })
    for (const [action, state] of [
      ['pause', 'PAUSED'],
      ['pause', 'PAUSED'],
      ['resume', 'ACTIVE'],
      ['complete', 'COMPLETE']
    ]) {
      fake.clearLog()
      const run = await release(fake, { 'phased-release': action })
      expect({ action, errors: run.errors }).toEqual({ action, errors: [] })
      expect(stateOf(fake, phased!).phasedReleaseState).toBe(state)
      expect(run.outputs['phased-release-state']).toBe(state)
    }
    const refused = await release(fake, { 'phased-release': 'resume' })
    expect(refused.errors).toHaveLength(1)
    expect(refused.errors[0]).toMatch(/phased-release.*COMPLETE; it cannot resume/)
  })

  it('dry-run shows the release and changes nothing', async () => {
    const { fake, version } = await approved()
    const run = await release(fake, { 'dry-run': 'true', 'phased-release': 'pause' })
    expect(run.errors).toEqual([])
    expect(run.stdout).toContain('Would release 2.0')
    expect(run.stdout).toContain('Would move the phased release from ACTIVE to PAUSED')
    expect(fake.changingRequests()).toEqual([])
    expect(stateOf(fake, version).appVersionState).toBe('PENDING_DEVELOPER_RELEASE')
  })

  it('refuses a version App Review has not approved, and a phased change without a phased release', async () => {
    const waiting = await approved({ state: 'WAITING_FOR_REVIEW' })
    const run = await release(waiting.fake, {})
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(/version.*2\.0 is WAITING_FOR_REVIEW.*PENDING_DEVELOPER_RELEASE/)
    expect(waiting.fake.changingRequests()).toEqual([])
    await waiting.fake.close()

    const plain = await approved({ phased: false })
    const phasedRun = await release(plain.fake, { 'phased-release': 'pause' })
    expect(phasedRun.errors).toHaveLength(1)
    expect(phasedRun.errors[0]).toMatch(/phased-release.*no phased release to pause/)
    expect(plain.fake.changingRequests()).toEqual([])
  })

  it('recovers a lost answer to the release request by reading the version', async () => {
    const { fake, version } = await approved()
    fake.faults.add({ kind: 'drop', method: 'POST', path: '/v1/appStoreVersionReleaseRequests' })
    fake.faults.add({ kind: 'status', status: 503, method: 'GET', path: '/v1/apps' })
    const run = await release(fake, {})
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(fake.faults.pending()).toEqual([])
    expect(stateOf(fake, version).appVersionState).toBe('READY_FOR_DISTRIBUTION')
    expect(fake.store.list('appStoreVersionReleaseRequests')).toHaveLength(1)
  })
})
