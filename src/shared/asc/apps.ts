import { ConfigurationError } from '../errors.js'
import type { AscClient } from './client.js'
import { ApiError } from './errors.js'
import type { Document, Resource } from './types.js'
import { nearest } from '../text.js'
import { echo } from '../inputs.js'
import { serverText } from '../log.js'

export interface App {
  id: string
  bundleId: string
  name: string
}

// Re-exported for the entry points that import it from here.
export { nearest }

type AppResource = Resource<{ bundleId?: string; name?: string }>

function toApp(r: AppResource): App {
  return { id: r.id, bundleId: r.attributes?.bundleId ?? '', name: r.attributes?.name ?? '' }
}

/** How to find the app: by ID, by bundle ID, or both (then they must agree). */
export interface AppQuery {
  appId?: string
  bundleId?: string
  /** Where the bundle ID came from when it is not the bundle-id input, e.g. `app.ipa`. */
  bundleIdSource?: string
}

/**
 * The app by ID (one request) or by exact bundle ID (one filtered request: Apple's
 * `filter[bundleId]` matches loosely, so the answer is compared exactly). Unknown apps are a
 * ConfigurationError naming the input, with the nearest bundle IDs the key can see. Given both, the
 * app is read by ID and its bundle ID must be the one given.
 */
export async function findApp(client: AscClient, by: AppQuery): Promise<App> {
  if (by.appId) {
    const app = await appById(client, by.appId)
    if (by.bundleId !== undefined && app.bundleId !== by.bundleId) {
      const [given, fix] = by.bundleIdSource
        ? [
            `${by.bundleIdSource} has bundle ID '${echo(by.bundleId)}'`,
            'fix app-id, or give the archive of that app'
          ]
        : [
            `bundle-id is '${echo(by.bundleId)}'`,
            'give one of app-id and bundle-id, or make them agree'
          ]
      throw new ConfigurationError(
        `app-id '${echo(by.appId)}' is the app with bundle ID '${serverText(app.bundleId)}', but ${given}: ${fix}.`,
        by.bundleIdSource ? 'app-id' : 'bundle-id'
      )
    }
    return app
  }
  return appByBundleId(client, by.bundleId!)
}

async function appById(client: AscClient, appId: string): Promise<App> {
  try {
    const doc = await client.get<Document<AppResource>>(`/v1/apps/${encodeURIComponent(appId)}`, {
      'fields[apps]': ['bundleId', 'name']
    })
    return toApp(doc.data)
  } catch (e) {
    if (e instanceof ApiError && e.status === 404)
      throw new ConfigurationError(
        `no app with ID '${echo(appId)}' is visible to this API key.`,
        'app-id'
      )
    throw e
  }
}

async function appByBundleId(client: AscClient, bundleId: string): Promise<App> {
  const { data } = await client.all<AppResource>('/v1/apps', {
    'filter[bundleId]': [bundleId],
    'fields[apps]': ['bundleId', 'name']
  })
  const exact = data.find((a) => a.attributes?.bundleId === bundleId)
  if (exact) return toApp(exact)
  // Not found: one more read (on this failure path only) so the error can name what there is.
  const visible = data.length
    ? data
    : (
        await client.get<Document<AppResource[]>>('/v1/apps', {
          'fields[apps]': ['bundleId'],
          limit: 200
        })
      ).data
  const others = visible.map((a) => a.attributes?.bundleId ?? '').filter(Boolean)
  throw new ConfigurationError(
    `no app with bundle ID '${echo(bundleId)}' is visible to this API key${
      others.length
        ? `; nearest: ${nearest(bundleId, others)
            .map((b) => serverText(b, 100))
            .join(', ')}`
        : ''
    }. Check the bundle ID (it is compared exactly) or use app-id.`,
    'bundle-id'
  )
}
