import { ConfigurationError } from '../errors.js'
import type { AscClient } from './client.js'
import { ApiError } from './errors.js'
import type { Document, Resource } from './types.js'
import { nearest } from '../text.js'

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

/**
 * The app by ID (one request) or by exact bundle ID (one filtered request: Apple's
 * `filter[bundleId]` matches loosely, so the answer is compared exactly). Unknown apps are a
 * ConfigurationError naming the input, with the nearest bundle IDs the key can see.
 */
export async function findApp(
  client: AscClient,
  by: { appId?: string; bundleId?: string }
): Promise<App> {
  if (by.appId) {
    try {
      const doc = await client.get<Document<AppResource>>(
        `/v1/apps/${encodeURIComponent(by.appId)}`,
        {
          'fields[apps]': ['bundleId', 'name']
        }
      )
      return toApp(doc.data)
    } catch (e) {
      if (e instanceof ApiError && e.status === 404)
        throw new ConfigurationError(
          `no app with ID '${by.appId}' is visible to this API key.`,
          'app-id'
        )
      throw e
    }
  }
  const bundleId = by.bundleId!
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
    `no app with bundle ID '${bundleId}' is visible to this API key${others.length ? `; nearest: ${nearest(bundleId, others).join(', ')}` : ''}. Check the bundle ID (it is compared exactly) or use app-id.`,
    'bundle-id'
  )
}
