import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startFakeAsc, type FakeAsc, type Resource } from '../../../tools/fake-asc/index.js'
import { seedDemo, type DemoData } from '../../../tools/seeds/demo.js'
import { coreDomain } from '../../../tools/fake-asc/domains/core.js'
import { call } from '../../support/fake-asc-helpers.js'

let fake: FakeAsc
let demo: DemoData
let many: Resource

beforeAll(async () => {
  // the generic engine only (plus core): other domains refine Apple's behaviour per resource type
  fake = await startFakeAsc({ domains: [coreDomain] })
  demo = seedDemo(fake.store)
  many = fake.store.create('apps', {
    name: 'Many Builds',
    bundleId: 'com.example.many',
    sku: 'MANY'
  })
  const pre = fake.store.create(
    'preReleaseVersions',
    { version: '2.0', platform: 'IOS' },
    { app: many }
  )
  for (let i = 1; i <= 250; i++)
    fake.store.create(
      'builds',
      {
        version: String(i),
        processingState: 'VALID',
        uploadedDate: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString()
      },
      { app: many, preReleaseVersion: pre }
    )
})
afterAll(() => fake.close())

describe('fake ASC: collections', () => {
  it('pages with limit and an opaque cursor in an absolute links.next', async () => {
    const first = await call(fake, 'GET', `/v1/builds?filter[app]=${many.id}&limit=200`)
    expect(first.status).toBe(200)
    expect(first.json.data).toHaveLength(200)
    expect(first.json.meta.paging).toMatchObject({ total: 250, limit: 200 })
    const next: string = first.json.links.next
    expect(next.startsWith(`${fake.url}/v1/builds?`)).toBe(true)
    expect(new URL(next).searchParams.get('filter[app]')).toBe(many.id)
    expect(new URL(next).searchParams.get('cursor')).toBeTruthy()
    expect(first.json.links.self).toBe(`${fake.url}/v1/builds?filter[app]=${many.id}&limit=200`)
    const second = await call(fake, 'GET', next)
    expect(second.json.data).toHaveLength(50)
    expect(second.json.links.next).toBeUndefined()
    const ids = new Set([...first.json.data, ...second.json.data].map((b: { id: string }) => b.id))
    expect(ids.size).toBe(250)
    expect(fake.violations).toEqual([])
  })

  it('uses 50 as the default page size', async () => {
    const r = await call(fake, 'GET', `/v1/builds?filter[app]=${many.id}`)
    expect(r.json.data).toHaveLength(50)
    expect(r.json.meta.paging.limit).toBe(50)
    expect(new URL(r.json.links.next).searchParams.get('limit')).toBe('50')
  })

  it('refuses limit=201 with 400 and records a violation', async () => {
    const r = await call(fake, 'GET', '/v1/builds?limit=201')
    expect(r.status).toBe(400)
    expect(r.json.errors[0]).toMatchObject({
      status: '400',
      code: 'PARAMETER_ERROR.INVALID',
      source: { parameter: 'limit' }
    })
    expect(fake.violations).toEqual([
      expect.stringMatching(/GET \/v1\/builds: 'limit' is 201; the maximum is 200/)
    ])
    fake.violations.length = 0
  })

  it('refuses a cursor it did not make', async () => {
    const r = await call(fake, 'GET', '/v1/builds?cursor=bogus')
    expect(r.status).toBe(400)
    expect(r.json.errors[0].source).toEqual({ parameter: 'cursor' })
  })

  it('matches string filters loosely (contains, any case), enums and ids exactly, lists as any-of', async () => {
    const loose = await call(fake, 'GET', '/v1/apps?filter[bundleId]=EXAMPLE.DEMO')
    expect(loose.json.data.map((a: Resource) => a.attributes.bundleId).sort()).toEqual([
      'com.example.demo',
      'com.example.demo.companion'
    ])
    const builds = await call(
      fake,
      'GET',
      `/v1/builds?filter[app]=${many.id}&filter[version]=25&limit=200`
    )
    expect(builds.json.data.map((b: Resource) => b.attributes.version).sort()).toEqual([
      '125',
      '225',
      '25',
      '250'
    ])
    const anyOf = await call(
      fake,
      'GET',
      `/v1/builds?filter[app]=${demo.app.id},${many.id}&filter[version]=1,2&limit=200`
    )
    expect(anyOf.json.meta.paging.total).toBeGreaterThan(100)
    const booleanExact = await call(
      fake,
      'GET',
      `/v1/builds?filter[app]=${demo.app.id}&filter[expired]=fals`
    )
    expect(booleanExact.json.data).toEqual([])
    const notExpired = await call(
      fake,
      'GET',
      `/v1/builds?filter[app]=${demo.app.id}&filter[expired]=false`
    )
    expect(notExpired.json.data).toHaveLength(3)
    const byId = await call(fake, 'GET', `/v1/apps?filter[id]=${demo.app.id}`)
    expect(byId.json.data.map((a: Resource) => a.id)).toEqual([demo.app.id])
    const devices = await call(
      fake,
      'GET',
      '/v1/devices?filter[platform]=IOS&filter[status]=ENABLED'
    )
    expect(devices.json.data).toHaveLength(2)
  })

  it('filters by relationship ids, both stored and pointing back, and through dotted paths', async () => {
    const inGroup = await call(
      fake,
      'GET',
      `/v1/builds?filter[betaGroups]=${demo.externalGroup.id}`
    )
    expect(inGroup.json.data.map((b: Resource) => b.id)).toEqual([demo.builds[0].id])
    const dotted = await call(
      fake,
      'GET',
      `/v1/builds?filter[preReleaseVersion.version]=2.0&filter[preReleaseVersion.platform]=IOS&limit=1`
    )
    expect(dotted.json.meta.paging.total).toBe(250)
    const testers = await call(
      fake,
      'GET',
      `/v1/betaTesters?filter[betaGroups]=${demo.externalGroup.id}`
    )
    expect(testers.json.data).toHaveLength(2)
  })

  it('sorts ascending and descending, numbers naturally', async () => {
    const desc = await call(fake, 'GET', `/v1/builds?filter[app]=${many.id}&sort=-version&limit=3`)
    expect(desc.json.data.map((b: Resource) => b.attributes.version)).toEqual(['250', '249', '248'])
    const asc = await call(
      fake,
      'GET',
      `/v1/builds?filter[app]=${many.id}&sort=uploadedDate&limit=2`
    )
    expect(asc.json.data.map((b: Resource) => b.attributes.version)).toEqual(['1', '2'])
    const apps = await call(fake, 'GET', '/v1/apps?sort=-name')
    expect(apps.json.data[0].attributes.name).toBe('Many Builds')
  })

  it('includes related resources and relationship linkage', async () => {
    const r = await call(
      fake,
      'GET',
      `/v1/builds?filter[app]=${demo.app.id}&include=app,preReleaseVersion,betaGroups`
    )
    expect(r.status).toBe(200)
    const build = r.json.data.find((b: Resource) => b.id === demo.builds[0].id)
    expect(build.relationships.app.data).toEqual({ type: 'apps', id: demo.app.id })
    expect(build.relationships.betaGroups.data).toEqual([
      { type: 'betaGroups', id: demo.externalGroup.id }
    ])
    expect(build.relationships.app.links.related).toBe(`${fake.url}/v1/builds/${build.id}/app`)
    expect(build.relationships.individualTesters.data).toBeUndefined()
    const kinds = r.json.included.map((x: Resource) => `${x.type}/${x.id}`).sort()
    expect(kinds).toEqual(
      [
        `apps/${demo.app.id}`,
        `betaGroups/${demo.externalGroup.id}`,
        `preReleaseVersions/${demo.preReleaseVersion.id}`
      ].sort()
    )
    const single = await call(fake, 'GET', `/v1/apps/${demo.app.id}?include=betaGroups`)
    expect(single.json.data.relationships.betaGroups.data).toHaveLength(2)
    expect(single.json.included).toHaveLength(2)
  })

  it('applies fields[...]', async () => {
    const r = await call(fake, 'GET', `/v1/apps/${demo.app.id}?fields[apps]=name`)
    expect(r.json.data.attributes).toEqual({ name: 'Demo App' })
    expect(r.json.data.relationships).toBeUndefined()
    expect(r.json.data.links.self).toBe(`${fake.url}/v1/apps/${demo.app.id}`)
  })
})

describe('fake ASC: single resources and related paths', () => {
  it('gets by id, 404 with Apple error document for an unknown id', async () => {
    const r = await call(fake, 'GET', `/v1/apps/${demo.app.id}`)
    expect(r.json.data).toMatchObject({
      type: 'apps',
      id: demo.app.id,
      attributes: { bundleId: 'com.example.demo' }
    })
    expect(r.json.links.self).toBe(`${fake.url}/v1/apps/${demo.app.id}`)
    const missing = await call(fake, 'GET', '/v1/apps/999')
    expect(missing.status).toBe(404)
    expect(missing.json.errors[0]).toMatchObject({ status: '404', code: 'NOT_FOUND' })
    expect(missing.json.errors[0].detail).toMatch(/apps.*999/)
  })

  it('follows to-many related paths by back-pointers, to-one by stored linkage', async () => {
    const builds = await call(fake, 'GET', `/v1/apps/${demo.app.id}/builds`)
    expect(builds.json.data.map((b: Resource) => b.id)).toEqual(demo.builds.map((b) => b.id))
    expect(builds.json.meta.paging.total).toBe(3)
    const app = await call(fake, 'GET', `/v1/builds/${demo.builds[1].id}/app`)
    expect(app.json.data.id).toBe(demo.app.id)
    const linkage = await call(fake, 'GET', `/v1/apps/${demo.app.id}/relationships/betaGroups`)
    expect(linkage.json.data).toEqual([
      { type: 'betaGroups', id: demo.internalGroup.id },
      { type: 'betaGroups', id: demo.externalGroup.id }
    ])
    expect(linkage.json.links.related).toBe(`${fake.url}/v1/apps/${demo.app.id}/betaGroups`)
    const toOne = await call(fake, 'GET', `/v1/builds/${demo.builds[0].id}/relationships/app`)
    expect(toOne.json.data).toEqual({ type: 'apps', id: demo.app.id })
    const none = await call(fake, 'GET', `/v1/builds/${demo.builds[0].id}/appEncryptionDeclaration`)
    expect(none.json.data).toBeNull()
    expect((await call(fake, 'GET', '/v1/apps/404404/builds')).status).toBe(404)
  })
})

describe('fake ASC: writes', () => {
  it('creates with POST (201), generating an id and storing relationships', async () => {
    const r = await call(fake, 'POST', '/v1/betaGroups', {
      body: {
        data: {
          type: 'betaGroups',
          attributes: { name: 'Beta' },
          relationships: { app: { data: { type: 'apps', id: demo.otherApp.id } } }
        }
      }
    })
    expect(r.status).toBe(201)
    expect(r.json.data).toMatchObject({ type: 'betaGroups', attributes: { name: 'Beta' } })
    const stored = fake.store.get('betaGroups', r.json.data.id)!
    expect(stored.relationships.app.data).toEqual({ type: 'apps', id: demo.otherApp.id })
    const groups = await call(fake, 'GET', `/v1/apps/${demo.otherApp.id}/betaGroups`)
    expect(groups.json.data.map((g: Resource) => g.id)).toEqual([r.json.data.id])
    expect(fake.changingRequests().at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/betaGroups',
      status: 201
    })
  })

  it('refuses a relationship to a resource that does not exist (409)', async () => {
    const r = await call(fake, 'POST', '/v1/betaGroups', {
      body: {
        data: {
          type: 'betaGroups',
          attributes: { name: 'Ghost' },
          relationships: { app: { data: { type: 'apps', id: '0' } } }
        }
      }
    })
    expect(r.status).toBe(409)
    expect(r.json.errors[0]).toMatchObject({
      code: 'ENTITY_ERROR.RELATIONSHIP.INVALID',
      source: { pointer: '/data/relationships/app/data' }
    })
  })

  it('updates with PATCH (attributes merged, relationships replaced), refusing a mismatched id', async () => {
    const group = demo.internalGroup
    const r = await call(fake, 'PATCH', `/v1/betaGroups/${group.id}`, {
      body: {
        data: {
          type: 'betaGroups',
          id: group.id,
          attributes: { name: 'Everyone', publicLinkEnabled: true }
        }
      }
    })
    expect(r.status).toBe(200)
    expect(r.json.data.attributes).toMatchObject({
      name: 'Everyone',
      publicLinkEnabled: true,
      isInternalGroup: true
    })
    const bad = await call(fake, 'PATCH', `/v1/betaGroups/${group.id}`, {
      body: { data: { type: 'betaGroups', id: 'other', attributes: { name: 'x' } } }
    })
    expect(bad.status).toBe(409)
    expect(bad.json.errors[0].source).toEqual({ pointer: '/data/id' })
    const patchRel = await call(fake, 'PATCH', `/v1/builds/${demo.builds[2].id}`, {
      body: {
        data: {
          type: 'builds',
          id: demo.builds[2].id,
          attributes: { usesNonExemptEncryption: true }
        }
      }
    })
    expect(patchRel.json.data.attributes.usesNonExemptEncryption).toBe(true)
  })

  it('adds, lists and removes to-many linkage on /relationships/{rel} (204), from either side', async () => {
    const group = demo.externalGroup
    const add = await call(fake, 'POST', `/v1/betaGroups/${group.id}/relationships/builds`, {
      body: {
        data: [
          { type: 'builds', id: demo.builds[1].id },
          { type: 'builds', id: demo.builds[2].id }
        ]
      }
    })
    expect(add.status).toBe(204)
    expect(add.bytes.length).toBe(0)
    const inGroup = await call(fake, 'GET', `/v1/betaGroups/${group.id}/builds`)
    expect(inGroup.json.data.map((b: Resource) => b.id).sort()).toEqual(
      demo.builds.map((b) => b.id).sort()
    )
    // builds[0] was linked from the group side at seeding; remove it through the build
    const remove = await call(
      fake,
      'DELETE',
      `/v1/builds/${demo.builds[0].id}/relationships/betaGroups`,
      {
        body: { data: [{ type: 'betaGroups', id: group.id }] }
      }
    )
    expect(remove.status).toBe(204)
    const after = await call(fake, 'GET', `/v1/betaGroups/${group.id}/relationships/builds`)
    expect(after.json.data.map((b: { id: string }) => b.id).sort()).toEqual(
      [demo.builds[1].id, demo.builds[2].id].sort()
    )
    const unknown = await call(fake, 'POST', `/v1/betaGroups/${group.id}/relationships/builds`, {
      body: { data: [{ type: 'builds', id: 'nope' }] }
    })
    expect(unknown.status).toBe(409)
    expect(unknown.json.errors[0].source).toEqual({ pointer: '/data/0' })
  })

  it('replaces a to-one relationship with PATCH', async () => {
    const decl = fake.store.create(
      'appEncryptionDeclarations',
      { appEncryptionDeclarationState: 'APPROVED' },
      { app: demo.app }
    )
    const r = await call(
      fake,
      'PATCH',
      `/v1/builds/${demo.builds[1].id}/relationships/appEncryptionDeclaration`,
      {
        body: { data: { type: 'appEncryptionDeclarations', id: decl.id } }
      }
    )
    expect(r.status).toBe(204)
    const got = await call(fake, 'GET', `/v1/builds/${demo.builds[1].id}/appEncryptionDeclaration`)
    expect(got.json.data.id).toBe(decl.id)
  })

  it('deletes (204), dropping linkage to the deleted resource; 404 afterwards', async () => {
    const tester = demo.testers[1]
    const r = await call(fake, 'DELETE', `/v1/betaTesters/${tester.id}`)
    expect(r.status).toBe(204)
    expect(fake.store.get('betaTesters', tester.id)).toBeUndefined()
    expect((await call(fake, 'DELETE', `/v1/betaTesters/${tester.id}`)).status).toBe(404)
    const testers = await call(fake, 'GET', `/v1/betaGroups/${demo.externalGroup.id}/betaTesters`)
    expect(testers.json.data.map((t: Resource) => t.id)).toEqual([demo.testers[0].id])
  })

  it('creates user invitations and refuses a duplicate e-mail with 409', async () => {
    const body = (email: string) => ({
      data: {
        type: 'userInvitations',
        attributes: { email, firstName: 'N', lastName: 'D', roles: ['DEVELOPER'] }
      }
    })
    const ok = await call(fake, 'POST', '/v1/userInvitations', { body: body('new@example.com') })
    expect(ok.status).toBe(201)
    expect(ok.json.data.attributes).toMatchObject({
      email: 'new@example.com',
      allAppsVisible: false
    })
    expect(Date.parse(ok.json.data.attributes.expirationDate)).toBeGreaterThan(Date.now())
    const again = await call(fake, 'POST', '/v1/userInvitations', { body: body('NEW@example.com') })
    expect(again.status).toBe(409)
    expect(again.json.errors[0]).toMatchObject({
      code: 'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
      source: { pointer: '/data/attributes/email' }
    })
    const member = await call(fake, 'POST', '/v1/userInvitations', {
      body: body('admin@example.com')
    })
    expect(member.status).toBe(409)
    expect(fake.store.list('userInvitations')).toHaveLength(1)
  })

  it('only counts API writes as changing requests', () => {
    const changing = fake.changingRequests()
    expect(changing.length).toBeGreaterThan(5)
    expect(changing.every((r) => r.api && r.method !== 'GET')).toBe(true)
    expect(fake.violations).toEqual([])
  })
})

describe('fake ASC: store helpers', () => {
  it('creates, finds, updates, links and deletes plain resources', () => {
    const s = fake.store
    const app = s.create('apps', { name: 'Seeded', bundleId: 'com.example.seeded' }, {}, 'APP-1')
    expect(app).toEqual({
      type: 'apps',
      id: 'APP-1',
      attributes: { name: 'Seeded', bundleId: 'com.example.seeded' },
      relationships: {}
    })
    const b = s.create('builds', { version: '7' }, { app })
    expect(b.relationships.app).toEqual({ data: { type: 'apps', id: 'APP-1' } })
    expect(s.related(app, 'builds').map((x) => x.id)).toEqual([b.id])
    expect(s.find('apps', { bundleId: 'com.example.seeded' })).toBe(app)
    s.update('builds', b.id, { attributes: { version: '8' } })
    expect(s.get('builds', b.id)!.attributes.version).toBe('8')
    const g = s.create('betaGroups', { name: 'G' }, { app })
    s.link(g, 'builds', b)
    expect(s.related(b, 'betaGroups').map((x) => x.id)).toEqual([g.id])
    s.unlink(b, 'betaGroups', g)
    expect(s.related(g, 'builds')).toEqual([])
    expect(s.delete('apps', 'APP-1')).toBe(true)
    expect(s.get('builds', b.id)!.relationships.app.data).toBeNull()
    expect(s.list('apps', (a) => a.id === 'APP-1')).toEqual([])
  })
})
