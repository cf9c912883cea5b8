// The steps `npm run demo` runs, with the inputs a workflow would give them.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DemoData } from '../../tools/seeds/demo.js'
import { writeIpa } from '../../tools/fixtures/testflight.js'

export interface DemoStep {
  title: string
  /** What a workflow would write after `uses:`. */
  uses: string
  entry: string
  inputs: Record<string, string>
  env?: Record<string, string>
  /** The step shows an error on purpose. */
  expectFailure?: boolean
}

export function demoSteps(data: DemoData): DemoStep[] {
  const bundleId = String(data.app.attributes.bundleId)
  const work = mkdtempSync(join(tmpdir(), 'asc-demo-'))
  const ipa = join(work, 'Demo.ipa')
  writeIpa(ipa, { bundleId, version: '1.0', buildNumber: '4', payloadBytes: 2_000_000 })
  const notes = join(work, 'what-to-test.json')
  writeFileSync(
    notes,
    JSON.stringify({ 'en-US': 'New onboarding flow.', 'de-DE': 'Neuer Einstieg.' })
  )
  const devices = join(work, 'devices.txt')
  writeFileSync(
    devices,
    'Device ID\tDevice Name\tDevice Platform\n00008030-001A2B3C4D5E6F70\tQA iPhone 15\tios\n'
  )
  return [
    {
      title: 'next-build-number: the next free build number, before the build starts',
      uses: 'app-store-connect-actions/actions/next-build-number@v1',
      entry: 'next-build-number',
      inputs: { 'bundle-id': bundleId, platform: 'ios' }
    },
    {
      title:
        'distribute-to-testflight: upload an .ipa from a Linux runner, wait, and hand it to testers',
      uses: 'app-store-connect-actions/actions/distribute-to-testflight@v1',
      entry: 'distribute-to-testflight',
      inputs: {
        'ipa-path': ipa,
        groups: 'External Testers',
        'what-to-test-file': notes,
        'uses-non-exempt-encryption': 'false',
        'submit-for-review': 'true',
        'public-link-group': 'Public Beta',
        'public-link-limit': '500',
        'poll-interval': '200ms',
        'processing-timeout': '2m'
      }
    },
    {
      title: 'distribute-to-testflight again: the same step twice changes nothing more',
      uses: 'app-store-connect-actions/actions/distribute-to-testflight@v1',
      entry: 'distribute-to-testflight',
      inputs: {
        'ipa-path': ipa,
        groups: 'External Testers',
        'what-to-test-file': notes,
        'submit-for-review': 'true',
        'public-link-group': 'Public Beta',
        'poll-interval': '200ms'
      }
    },
    {
      title: 'distribute-to-testflight: an unknown group is refused before anything changes',
      uses: 'app-store-connect-actions/actions/distribute-to-testflight@v1',
      entry: 'distribute-to-testflight',
      inputs: { 'bundle-id': bundleId, 'build-number': '4', groups: 'Extrenal Testers' },
      expectFailure: true
    },
    {
      title: 'sync-profiles: register a device, create the missing profiles, write them out',
      uses: 'app-store-connect-actions/actions/sync-profiles@v1',
      entry: 'sync-profiles',
      inputs: {
        'bundle-ids': bundleId,
        'profile-types': 'IOS_APP_STORE',
        'devices-file': devices,
        'output-dir': join(work, 'profiles')
      }
    },
    {
      title: 'expire-builds: dry run first, to see the plan',
      uses: 'app-store-connect-actions/actions/expire-builds@v1',
      entry: 'expire-builds',
      inputs: { 'bundle-id': bundleId, 'keep-latest': '2', 'dry-run': 'true' }
    },
    {
      title: 'expire-builds: keep the 2 newest, expire the rest',
      uses: 'app-store-connect-actions/actions/expire-builds@v1',
      entry: 'expire-builds',
      inputs: { 'bundle-id': bundleId, 'keep-latest': '2' }
    },
    {
      title: 'api: list the apps this key can see, every page merged',
      uses: 'app-store-connect-actions@v1',
      entry: 'api',
      inputs: { operation: 'GET /v1/apps', query: 'fields[apps]=name,bundleId', paginate: 'true' }
    },
    {
      title: 'api: invite a developer to the team',
      uses: 'app-store-connect-actions@v1',
      entry: 'api',
      inputs: {
        operation: 'POST /v1/userInvitations',
        body: JSON.stringify({
          data: {
            type: 'userInvitations',
            attributes: {
              email: 'new.dev@example.com',
              firstName: 'New',
              lastName: 'Developer',
              roles: ['DEVELOPER'],
              allAppsVisible: true
            }
          }
        })
      }
    },
    {
      title: 'api: a typo in the operation is refused before anything is sent',
      uses: 'app-store-connect-actions@v1',
      entry: 'api',
      inputs: { operation: `GET /v1/app?filter[bundleId]=${bundleId}` },
      expectFailure: true
    },
    {
      title: 'submit-to-app-store: version 1.0 with the uploaded build, into App Store review',
      uses: 'app-store-connect-actions/actions/submit-to-app-store@v1',
      entry: 'submit-to-app-store',
      inputs: {
        'bundle-id': bundleId,
        version: '1.0',
        'build-number': '4',
        'whats-new': 'New onboarding flow.',
        'release-type': 'manual',
        'phased-release': 'true',
        'review-notes': 'No login needed.'
      }
    },
    {
      title: 'submit-to-app-store again: already waiting for review, nothing changes',
      uses: 'app-store-connect-actions/actions/submit-to-app-store@v1',
      entry: 'submit-to-app-store',
      inputs: { 'bundle-id': bundleId, version: '1.0', 'build-number': '4' }
    }
  ]
}
