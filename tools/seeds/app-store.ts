// An app ready for an App Store submission: a live 1.0 for iOS, and a VALID build of the next
// version whose export compliance is still unanswered. Used by submit-to-app-store's and
// release-to-app-store's e2e tests, the bench and the demo.
import type { FakeAscHandle, Resource } from '../fake-asc/types.js'
import { seedBuild } from '../fake-asc/domains/testflight.js'
import { seedVersion } from '../fake-asc/domains/app-store.js'

export interface StoreSeed {
  app: Resource
  live?: Resource
  build: Resource
}

export function seedStoreApp(
  fake: FakeAscHandle,
  o: {
    bundleId?: string
    version?: string
    buildNumber?: string
    /** false: the app has never had a version (its first submission). */
    live?: boolean
    usesNonExemptEncryption?: boolean | null
  } = {}
): StoreSeed {
  const app = fake.store.create('apps', {
    name: 'Storefront',
    bundleId: o.bundleId ?? 'com.example.storefront',
    sku: 'STOREFRONT',
    primaryLocale: 'en-US'
  })
  const live =
    o.live === false
      ? undefined
      : seedVersion(fake, app.id, {
          versionString: '1.0',
          state: 'READY_FOR_DISTRIBUTION',
          locales: { 'en-US': { description: 'A shop in your pocket.', keywords: 'shop' } }
        })
  const build = seedBuild(fake, app.id, {
    version: o.version ?? '2.0',
    buildNumber: o.buildNumber ?? '42',
    usesNonExemptEncryption: o.usesNonExemptEncryption ?? null
  })
  return { app, live, build }
}
