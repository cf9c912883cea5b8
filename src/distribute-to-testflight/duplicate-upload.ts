import type { AscClient } from '#shared/asc/client.js'
import { ApiError } from '#shared/asc/errors.js'
import { relatedId, type Document, type Resource } from '#shared/asc/types.js'
import { ConfigurationError, TimeoutError } from '#shared/errors.js'
import { formatDuration } from '#shared/duration.js'
import { serverText } from '#shared/log.js'
import { pollUntil } from '#shared/poll.js'
import { runReport } from '#shared/report.js'
import { describeBuild, findBuild } from './builds.js'
import { waitClock } from './progress.js'
import type { Target } from './target.js'
import { refused, type UploadAttributes } from './upload-state.js'
import type { ReusedUpload, UploadOptions } from './upload.js'

export interface Duplicate {
  /** `meta.previousBundleVersion`, when Apple gave it: the highest build number it knows. */
  previous?: string
}

/** Apple's 409 for a version and build number already uploaded, else undefined. */
export function duplicateOf(e: unknown): Duplicate | undefined {
  if (!(e instanceof ApiError) || e.status !== 409) return undefined
  const item = e.errors.find(
    (x) =>
      x.code === 'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE' &&
      (!x.source?.pointer || x.source.pointer === '/data/attributes/cfBundleVersion')
  )
  if (!item) return undefined
  const previous = item.meta?.previousBundleVersion
  return {
    previous:
      typeof previous === 'string' || typeof previous === 'number' ? String(previous) : undefined
  }
}

/**
 * A duplicate: when this app has the build (or an upload of it), carry on with it as a rerun would;
 * otherwise the build number is taken (another app, or a race we cannot see).
 */
export async function carryOnWithDuplicate(
  client: AscClient,
  appId: string,
  target: Target,
  options: UploadOptions,
  duplicate: Duplicate,
  helpers: {
    uploadsOfApp: () => Promise<Resource<UploadAttributes>[]>
    log: (message: string) => void
    startedAt: number
  }
): Promise<ReusedUpload> {
  const name = describeBuild(target)
  const build = await findBuild(client, { ...target, appId })
  if (build) {
    helpers.log(`App Store Connect already has build ${name}; carrying on with it.`)
    runReport.step(`build ${name} was already uploaded (not uploaded again)`)
    return { reused: true, buildId: build.id }
  }
  // Prefer the upload furthest along: COMPLETE, then PROCESSING, then one still awaiting its file.
  const rank = ['COMPLETE', 'PROCESSING', 'AWAITING_UPLOAD']
  const found = (await helpers.uploadsOfApp())
    .filter((u) => rank.includes(String(u.attributes?.state?.state)))
    .sort(
      (a, b) =>
        rank.indexOf(String(a.attributes?.state?.state)) -
        rank.indexOf(String(b.attributes?.state?.state))
    )[0]
  if (!found)
    throw new ConfigurationError(
      `App Store Connect refused ${name}: build number ${target.buildNumber} is already taken for version ${target.version ?? ''}${duplicate.previous ? ` (the highest it knows is ${serverText(duplicate.previous)})` : ''}, and this app has no such build or upload, so another app or a run we cannot see used it. Raise CFBundleVersion${duplicate.previous ? ` above ${serverText(duplicate.previous)}` : ''} and build again: the next-build-number action gives the next free one.`,
      'build-number'
    )
  const uploadId = found.id
  helpers.log(
    `Build ${name} is already being uploaded (build upload ${uploadId}, ${found.attributes?.state?.state ?? 'state unknown'}); waiting for it instead of uploading again.`
  )
  const buildId = await pollUntil(
    {
      deadline: options.deadline,
      intervalMs: options.pollIntervalMs,
      log: helpers.log,
      sleep: options.sleep,
      timeout: () =>
        new TimeoutError(
          `The upload ${uploadId} of ${name} (made by another run) was not COMPLETE within processing-timeout (${formatDuration(options.deadline - helpers.startedAt)}). Run the step again later, or raise processing-timeout.`
        )
    },
    async () => {
      const doc = await client.get<Document<Resource<UploadAttributes>>>(
        `/v1/buildUploads/${encodeURIComponent(uploadId)}`,
        { 'fields[buildUploads]': ['state', 'build'] }
      )
      const state = doc.data.attributes?.state
      if (state?.state === 'FAILED') throw refused(name, uploadId, target, state)
      if (state?.state !== 'COMPLETE')
        return {
          done: false,
          waiting: `Upload ${uploadId} is ${state?.state ?? 'PROCESSING'} (${waitClock(helpers.startedAt, options.deadline)})`
        }
      return { done: true, value: relatedId(doc.data, 'build') }
    }
  )
  runReport.step(`build ${name} was uploaded by another run (build upload ${uploadId})`)
  return { reused: true, uploadId, buildId }
}
