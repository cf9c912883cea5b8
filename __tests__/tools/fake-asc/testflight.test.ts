import { afterEach, describe, expect, it } from '@jest/globals'
import { startFakeAsc, type FakeAsc } from '../../../tools/fake-asc/index.js'
import {
  scriptProcessing,
  seedBuild,
  testflightSettings
} from '../../../tools/fake-asc/domains/testflight.js'
import { call } from '../../support/fake-asc-helpers.js'

let fake: FakeAsc
afterEach(() => fake.close())

async function app() {
  fake = await startFakeAsc()
  return fake.store.create('apps', { name: 'Example', bundleId: 'com.example.app', sku: 'EX' })
}

const newGroup = (appId: string, attributes: Record<string, unknown>) => ({
  data: {
    type: 'betaGroups',
    attributes,
    relationships: { app: { data: { type: 'apps', id: appId } } }
  }
})

describe('fake ASC: TestFlight as Apple answers', () => {
  it('accepts a second beta group of one name, unless told to refuse it', async () => {
    const a = await app()
    const body = newGroup(a.id, { name: 'Beta' })
    expect((await call(fake, 'POST', '/v1/betaGroups', { body })).status).toBe(201)
    expect((await call(fake, 'POST', '/v1/betaGroups', { body })).status).toBe(201)
    testflightSettings(fake).uniqueGroupNames = true
    const third = await call(fake, 'POST', '/v1/betaGroups', { body })
    expect(third.status).toBe(409)
    expect(third.json.errors[0].code).toBe('ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE')
    expect(fake.violations).toEqual([])
  })

  it('makes a new internal group get every build, refusing a build from either side (422)', async () => {
    const a = await app()
    const made = await call(fake, 'POST', '/v1/betaGroups', {
      body: newGroup(a.id, { name: 'QA', isInternalGroup: true })
    })
    expect(made.json.data.attributes).toMatchObject({ hasAccessToAllBuilds: true })
    const build = seedBuild(fake, a.id, { version: '1.0', buildNumber: '1' })
    const fromBuild = await call(fake, 'POST', `/v1/builds/${build.id}/relationships/betaGroups`, {
      body: { data: [{ type: 'betaGroups', id: made.json.data.id }] }
    })
    const fromGroup = await call(
      fake,
      'POST',
      `/v1/betaGroups/${made.json.data.id}/relationships/builds`,
      { body: { data: [{ type: 'builds', id: build.id }] } }
    )
    for (const answer of [fromBuild, fromGroup]) {
      expect(answer.status).toBe(422)
      expect(answer.json.errors[0]).toMatchObject({
        code: 'ENTITY_UNPROCESSABLE',
        detail: 'Builds cannot be assigned to this internal group.'
      })
    }
  })

  it('accepts What to Test while the build is still processing', async () => {
    const a = await app()
    const build = seedBuild(fake, a.id, { version: '1.0', buildNumber: '2' })
    scriptProcessing(fake, build.id, 'never')
    const answer = await call(fake, 'POST', '/v1/betaBuildLocalizations', {
      body: {
        data: {
          type: 'betaBuildLocalizations',
          attributes: { locale: 'en-US', whatsNew: 'Try it' },
          relationships: { build: { data: { type: 'builds', id: build.id } } }
        }
      }
    })
    expect(answer.status).toBe(201)
    expect(fake.store.get('builds', build.id)?.attributes.processingState).toBe('PROCESSING')
  })
})
