import { afterEach, describe, expect, it } from '@jest/globals'
import { startFakeAsc, type FakeAsc } from '../../../tools/fake-asc/index.js'
import {
  buildUploadSettings,
  seedBuildUpload
} from '../../../tools/fake-asc/domains/build-uploads.js'
import { call } from '../../support/fake-asc-helpers.js'

let fake: FakeAsc | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

const create = (f: FakeAsc, appId: string, buildNumber: string) =>
  call(f, 'POST', '/v1/buildUploads', {
    body: {
      data: {
        type: 'buildUploads',
        attributes: {
          cfBundleShortVersionString: '1.2.0',
          cfBundleVersion: buildNumber,
          platform: 'IOS'
        },
        relationships: { app: { data: { type: 'apps', id: appId } } }
      }
    }
  })

describe("the fake's duplicate build uploads (POST /v1/buildUploads)", () => {
  it('refuses a version and build number already received for the app, as Apple does', async () => {
    fake = await startFakeAsc()
    const app = fake.store.create('apps', { name: 'A', bundleId: 'com.example.a', sku: 'A' })
    const other = fake.store.create('apps', { name: 'B', bundleId: 'com.example.b', sku: 'B' })
    seedBuildUpload(fake, app.id, { version: '1.2.0', buildNumber: '42', state: 'PROCESSING' })
    seedBuildUpload(fake, app.id, { version: '1.2.0', buildNumber: '43', state: 'FAILED' })
    buildUploadSettings(fake).previousBundleVersion = '43'

    const dup = await create(fake, app.id, '42')
    expect(dup.status).toBe(409)
    expect(dup.json.errors[0]).toMatchObject({
      code: 'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
      source: { pointer: '/data/attributes/cfBundleVersion' },
      meta: { previousBundleVersion: '43' }
    })
    // A FAILED upload does not hold its number; another app's numbers are its own.
    expect((await create(fake, app.id, '43')).status).toBe(201)
    expect((await create(fake, other.id, '42')).status).toBe(201)
    expect(fake.violations).toEqual([])
  })

  it('refuses build numbers taken elsewhere, without meta unless asked', async () => {
    fake = await startFakeAsc()
    const app = fake.store.create('apps', { name: 'A', bundleId: 'com.example.a', sku: 'A' })
    buildUploadSettings(fake).takenBuildNumbers = ['7']
    const dup = await create(fake, app.id, '7')
    expect(dup.status).toBe(409)
    expect(dup.json.errors[0].meta).toBeUndefined()
    expect((await create(fake, app.id, '8')).status).toBe(201)
  })
})
