import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startFakeAsc, type FakeAsc, type Resource } from '../../../tools/fake-asc/index.js'
import { seedBuild } from '../../../tools/fake-asc/domains/testflight.js'
import { seedVersion } from '../../../tools/fake-asc/domains/app-store.js'
import { reviewNow, scriptReview } from '../../../tools/fake-asc/domains/app-store-review.js'
import { call } from '../../support/fake-asc-helpers.js'

let fake: FakeAsc
let app: Resource

beforeEach(async () => {
  fake = await startFakeAsc()
  app = fake.store.create('apps', {
    name: 'Shop',
    bundleId: 'com.example.shop',
    sku: 'SHOP',
    primaryLocale: 'en-GB'
  })
})
afterEach(() => fake.close())

const ref = (type: string, id: string) => ({ data: { type, id } })
const newVersion = (versionString: string) =>
  call(fake, 'POST', '/v1/appStoreVersions', {
    body: {
      data: {
        type: 'appStoreVersions',
        attributes: { platform: 'IOS', versionString },
        relationships: { app: ref('apps', app.id) }
      }
    }
  })
const localize = (versionId: string, attributes: Record<string, unknown>) =>
  call(fake, 'POST', '/v1/appStoreVersionLocalizations', {
    body: {
      data: {
        type: 'appStoreVersionLocalizations',
        attributes,
        relationships: { appStoreVersion: ref('appStoreVersions', versionId) }
      }
    }
  })
const state = (id: string) => fake.store.must('appStoreVersions', id).attributes.appVersionState

async function submitted(
  versionString = '2.0'
): Promise<{ version: Resource; submission: string }> {
  const build = seedBuild(fake, app.id, { version: versionString, buildNumber: '7' })
  const version = seedVersion(fake, app.id, { versionString, buildId: build.id })
  const sub = await call(fake, 'POST', '/v1/reviewSubmissions', {
    body: {
      data: {
        type: 'reviewSubmissions',
        attributes: { platform: 'IOS' },
        relationships: { app: ref('apps', app.id) }
      }
    }
  })
  expect(sub.status).toBe(201)
  const item = await call(fake, 'POST', '/v1/reviewSubmissionItems', {
    body: {
      data: {
        type: 'reviewSubmissionItems',
        relationships: {
          reviewSubmission: ref('reviewSubmissions', sub.json.data.id),
          appStoreVersion: ref('appStoreVersions', version.id)
        }
      }
    }
  })
  expect(item.status).toBe(201)
  const done = await call(fake, 'PATCH', `/v1/reviewSubmissions/${sub.json.data.id}`, {
    body: {
      data: { type: 'reviewSubmissions', id: sub.json.data.id, attributes: { submitted: true } }
    }
  })
  expect(done.status).toBe(200)
  return { version, submission: sub.json.data.id }
}

describe('fake ASC: App Store versions', () => {
  it('creates a version with its primary-locale localization, and refuses a second editable one', async () => {
    const first = await newVersion('1.0')
    expect(first.status).toBe(201)
    expect(first.json.data.attributes).toMatchObject({
      appVersionState: 'PREPARE_FOR_SUBMISSION',
      appStoreState: 'PREPARE_FOR_SUBMISSION'
    })
    const list = await call(
      fake,
      'GET',
      `/v1/apps/${app.id}/appStoreVersions?filter[platform]=IOS&include=appStoreVersionLocalizations`
    )
    expect(list.json.included.map((l: Resource) => l.attributes.locale)).toEqual(['en-GB'])
    const second = await newVersion('1.1')
    expect(second.status).toBe(409)
    expect(second.json.errors[0].code).toBe('STATE_ERROR')
    expect(fake.violations).toEqual([])
  })

  it('refuses What’s New on the first version, a duplicate locale, and text over the limits', async () => {
    const v = (await newVersion('1.0')).json.data.id
    const whatsNew = await localize(v, { locale: 'de-DE', whatsNew: 'Neu' })
    expect(whatsNew.status).toBe(409)
    expect(whatsNew.json.errors[0].detail).toMatch(/'whatsNew' cannot be edited/)
    expect((await localize(v, { locale: 'en-GB' })).json.errors[0].code).toBe(
      'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE'
    )
    const long = await localize(v, { locale: 'fr-FR', keywords: 'k'.repeat(101) })
    expect(long.json.errors[0].source.pointer).toBe('/data/attributes/keywords')
    expect((await localize(v, { locale: 'fr-FR', promotionalText: 'p'.repeat(170) })).status).toBe(
      201
    )
  })

  it('takes What’s New once the app has another version', async () => {
    seedVersion(fake, app.id, { versionString: '1.0', state: 'READY_FOR_DISTRIBUTION' })
    const v = (await newVersion('1.1')).json.data.id
    expect((await localize(v, { locale: 'de-DE', whatsNew: 'Neu' })).status).toBe(201)
  })

  it('submits, then reviews as scripted: manual release waits for the developer', async () => {
    const { version, submission } = await submitted()
    expect(state(version.id)).toBe('WAITING_FOR_REVIEW')
    fake.store.update('appStoreVersions', version.id, { attributes: { releaseType: 'MANUAL' } })
    scriptReview(fake, version.id, { after: 2, outcome: 'APPROVED' })
    const read = () => call(fake, 'GET', `/v1/appStoreVersions/${version.id}`)
    expect((await read()).json.data.attributes.appVersionState).toBe('IN_REVIEW')
    expect((await read()).json.data.attributes.appVersionState).toBe('PENDING_DEVELOPER_RELEASE')
    expect(fake.store.must('reviewSubmissions', submission).attributes.state).toBe('COMPLETE')
    const release = await call(fake, 'POST', '/v1/appStoreVersionReleaseRequests', {
      body: {
        data: {
          type: 'appStoreVersionReleaseRequests',
          relationships: { appStoreVersion: ref('appStoreVersions', version.id) }
        }
      }
    })
    expect(release.status).toBe(201)
    expect(state(version.id)).toBe('READY_FOR_DISTRIBUTION')
    expect(fake.store.must('appStoreVersions', version.id).attributes.appStoreState).toBe(
      'READY_FOR_SALE'
    )
    expect(fake.violations).toEqual([])
  })

  it('rejects, keeps one unsubmitted submission per platform, and cancels', async () => {
    const { version, submission } = await submitted()
    reviewNow(fake, version.id, 'REJECTED')
    expect(state(version.id)).toBe('REJECTED')
    expect(fake.store.must('reviewSubmissions', submission).attributes.state).toBe(
      'UNRESOLVED_ISSUES'
    )
    const body = {
      data: {
        type: 'reviewSubmissions',
        attributes: { platform: 'IOS' },
        relationships: { app: ref('apps', app.id) }
      }
    }
    expect((await call(fake, 'POST', '/v1/reviewSubmissions', { body })).status).toBe(201)
    expect((await call(fake, 'POST', '/v1/reviewSubmissions', { body })).status).toBe(409)
    const cancel = await call(fake, 'PATCH', `/v1/reviewSubmissions/${submission}`, {
      body: { data: { type: 'reviewSubmissions', id: submission, attributes: { canceled: true } } }
    })
    expect(cancel.json.data.attributes.state).toBe('CANCELING')
    const after = await call(fake, 'GET', `/v1/reviewSubmissions/${submission}`)
    expect(after.json.data.attributes.state).toBe('COMPLETE')
    expect(state(version.id)).toBe('DEVELOPER_REJECTED')
  })

  it('moves a phased release only along Apple’s states', async () => {
    const build = seedBuild(fake, app.id, { version: '3.0', buildNumber: '1' })
    const version = seedVersion(fake, app.id, { versionString: '3.0', buildId: build.id })
    const created = await call(fake, 'POST', '/v1/appStoreVersionPhasedReleases', {
      body: {
        data: {
          type: 'appStoreVersionPhasedReleases',
          attributes: { phasedReleaseState: 'INACTIVE' },
          relationships: { appStoreVersion: ref('appStoreVersions', version.id) }
        }
      }
    })
    const id = created.json.data.id
    const move = (phasedReleaseState: string) =>
      call(fake, 'PATCH', `/v1/appStoreVersionPhasedReleases/${id}`, {
        body: {
          data: { type: 'appStoreVersionPhasedReleases', id, attributes: { phasedReleaseState } }
        }
      })
    expect((await move('PAUSED')).status).toBe(409)
    fake.store.update('appStoreVersions', version.id, {
      attributes: { releaseType: 'AFTER_APPROVAL' }
    })
    reviewNow(fake, version.id, 'APPROVED')
    expect(fake.store.must('appStoreVersionPhasedReleases', id).attributes.phasedReleaseState).toBe(
      'ACTIVE'
    )
    expect((await move('PAUSED')).status).toBe(200)
    expect((await move('ACTIVE')).status).toBe(200)
    expect((await move('COMPLETE')).status).toBe(200)
    expect((await move('ACTIVE')).status).toBe(409)
  })
})
