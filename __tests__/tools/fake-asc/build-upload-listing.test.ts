import { afterEach, describe, expect, it } from '@jest/globals'
import { startFakeAsc, type FakeAsc } from '../../../tools/fake-asc/index.js'
import { seedBuildUpload } from '../../../tools/fake-asc/domains/build-uploads.js'
import { call } from '../../support/fake-asc-helpers.js'

let fake: FakeAsc | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

describe("the fake's build upload listing (GET /v1/apps/{id}/buildUploads)", () => {
  it('lists seeded uploads with their version, build number and platform, filtered like Apple', async () => {
    fake = await startFakeAsc()
    const app = fake.store.create('apps', { name: 'A', bundleId: 'com.example.a', sku: 'A' })
    const other = fake.store.create('apps', { name: 'B', bundleId: 'com.example.b', sku: 'B' })
    seedBuildUpload(fake, app.id, { version: '1.1', buildNumber: '7', state: 'AWAITING_UPLOAD' })
    seedBuildUpload(fake, app.id, { version: '1.1', buildNumber: '8', state: 'FAILED' })
    seedBuildUpload(fake, app.id, { version: '1.1', buildNumber: '9', platform: 'MAC_OS' })
    seedBuildUpload(fake, app.id, {
      version: '1.2',
      buildNumber: '10',
      state: 'COMPLETE',
      createdDate: '2026-11-20T08:00:00.000Z',
      uploadedDate: '2026-11-20T08:05:00.000Z'
    })
    seedBuildUpload(fake, other.id, { version: '1.1', buildNumber: '99' })

    const all = await call(fake, 'GET', `/v1/apps/${app.id}/buildUploads`)
    expect(all.status).toBe(200)
    expect(all.json.data).toHaveLength(4)

    const res = await call(
      fake,
      'GET',
      `/v1/apps/${app.id}/buildUploads?filter[platform]=IOS&filter[state]=AWAITING_UPLOAD,PROCESSING,COMPLETE&fields[buildUploads]=cfBundleVersion,cfBundleShortVersionString,platform,state,createdDate,uploadedDate&limit=200`
    )
    expect(res.status).toBe(200)
    const rows = res.json.data.map((u: { attributes: Record<string, unknown> }) => u.attributes)
    expect(rows).toEqual([
      expect.objectContaining({
        cfBundleVersion: '7',
        cfBundleShortVersionString: '1.1',
        platform: 'IOS',
        state: expect.objectContaining({ state: 'AWAITING_UPLOAD' }),
        uploadedDate: null
      }),
      expect.objectContaining({
        cfBundleVersion: '10',
        cfBundleShortVersionString: '1.2',
        state: expect.objectContaining({ state: 'COMPLETE' }),
        createdDate: '2026-11-20T08:00:00.000Z',
        uploadedDate: '2026-11-20T08:05:00.000Z'
      })
    ])
    expect(fake.violations).toEqual([])
  })

  it('pages at 200', async () => {
    fake = await startFakeAsc()
    const app = fake.store.create('apps', { name: 'A', bundleId: 'com.example.a', sku: 'A' })
    for (let i = 0; i < 210; i++)
      seedBuildUpload(fake, app.id, { version: '1.0', buildNumber: String(i) })
    const first = await call(fake, 'GET', `/v1/apps/${app.id}/buildUploads?limit=200`)
    expect(first.json.data).toHaveLength(200)
    const second = await call(fake, 'GET', first.json.links.next)
    expect(second.json.data).toHaveLength(10)
    expect(second.json.links.next).toBeUndefined()
    expect(fake.violations).toEqual([])
  })
})
