// The steps `npm run demo` runs, with the inputs a workflow would give them.
import type { DemoData } from '../__tests__/fake-asc/seed.js'

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
  return [
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
    }
  ]
}
