// A small demo dataset: two apps, a marketing version with three builds, beta groups and testers,
// team users, and provisioning basics (a bundle ID, a distribution certificate, two devices).
// Used by scripts/dev/fake-asc.ts, the demo and the bench; tests usually seed exactly what they need.
import type { Resource, Store } from '../fake-asc/store.js'

const DAY = 24 * 60 * 60 * 1000

export interface DemoData {
  app: Resource
  otherApp: Resource
  preReleaseVersion: Resource
  builds: Resource[]
  internalGroup: Resource
  externalGroup: Resource
  testers: Resource[]
  users: Resource[]
  bundleId: Resource
  certificate: Resource
  devices: Resource[]
}

export function seedDemo(store: Store, now: number = Date.now()): DemoData {
  const iso = (offsetDays: number) => new Date(now + offsetDays * DAY).toISOString()
  const app = store.create('apps', {
    name: 'Demo App',
    bundleId: 'com.example.demo',
    sku: 'DEMO_APP',
    primaryLocale: 'en-US',
    isOrEverWasMadeForKids: false
  })
  const otherApp = store.create('apps', {
    name: 'Demo Companion',
    bundleId: 'com.example.demo.companion',
    sku: 'DEMO_COMPANION',
    primaryLocale: 'en-GB',
    isOrEverWasMadeForKids: false
  })
  const preReleaseVersion = store.create(
    'preReleaseVersions',
    { version: '1.0', platform: 'IOS' },
    { app }
  )
  const builds = [1, 2, 3].map((n) =>
    store.create(
      'builds',
      {
        version: String(n),
        uploadedDate: iso(n - 10),
        expirationDate: iso(n + 80),
        expired: false,
        minOsVersion: '16.0',
        processingState: 'VALID',
        buildAudienceType: 'APP_STORE_ELIGIBLE',
        usesNonExemptEncryption: false
      },
      { app, preReleaseVersion }
    )
  )
  const internalGroup = store.create(
    'betaGroups',
    {
      name: 'Internal Testers',
      createdDate: iso(-30),
      isInternalGroup: true,
      hasAccessToAllBuilds: true,
      publicLinkEnabled: false,
      feedbackEnabled: true
    },
    { app }
  )
  const externalGroup = store.create(
    'betaGroups',
    {
      name: 'External Testers',
      createdDate: iso(-20),
      isInternalGroup: false,
      hasAccessToAllBuilds: false,
      publicLinkEnabled: false,
      feedbackEnabled: true
    },
    { app, builds: [builds[0]] }
  )
  const testers = [
    { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
    { firstName: 'Alan', lastName: 'Turing', email: 'alan@example.com' }
  ].map((t) =>
    store.create(
      'betaTesters',
      { ...t, inviteType: 'EMAIL', state: 'ACCEPTED' },
      { apps: [app], betaGroups: [externalGroup] }
    )
  )
  const users = [
    store.create('users', {
      username: 'admin@example.com',
      firstName: 'Grace',
      lastName: 'Hopper',
      roles: ['ADMIN'],
      allAppsVisible: true,
      provisioningAllowed: true
    }),
    store.create(
      'users',
      {
        username: 'dev@example.com',
        firstName: 'Linus',
        lastName: 'Dev',
        roles: ['DEVELOPER'],
        allAppsVisible: false,
        provisioningAllowed: false
      },
      { visibleApps: [app] }
    )
  ]
  const bundleId = store.create(
    'bundleIds',
    { name: 'Demo App', identifier: 'com.example.demo', platform: 'IOS', seedId: 'ABCDE12345' },
    { app }
  )
  const certificate = store.create('certificates', {
    name: 'Apple Distribution: Example Developer',
    displayName: 'Example Developer',
    certificateType: 'DISTRIBUTION',
    serialNumber: '6B1F3A0C2D4E5F60',
    platform: 'IOS',
    expirationDate: iso(300),
    activated: true,
    certificateContent: ''
  })
  const devices = [
    { name: "Ada's iPhone", udid: '00008110-000A1B2C3D4E5F60', model: 'iPhone 15' },
    { name: "Alan's iPad", udid: '00008103-001122334455667E', model: 'iPad Pro' }
  ].map((d, i) =>
    store.create('devices', {
      ...d,
      platform: 'IOS',
      deviceClass: i === 0 ? 'IPHONE' : 'IPAD',
      status: 'ENABLED',
      addedDate: iso(-100 + i)
    })
  )
  // The App Store: 0.9 is live, so 1.0 is the next version (submit-to-app-store's demo step).
  const liveVersion = store.create(
    'appStoreVersions',
    {
      platform: 'IOS',
      versionString: '0.9',
      appVersionState: 'READY_FOR_DISTRIBUTION',
      appStoreState: 'READY_FOR_SALE',
      releaseType: 'AFTER_APPROVAL',
      createdDate: iso(-60)
    },
    { app }
  )
  store.create(
    'appStoreVersionLocalizations',
    { locale: 'en-US', description: 'The demo app.', keywords: 'demo' },
    { appStoreVersion: liveVersion }
  )
  return {
    app,
    otherApp,
    preReleaseVersion,
    builds,
    internalGroup,
    externalGroup,
    testers,
    users,
    bundleId,
    certificate,
    devices
  }
}
