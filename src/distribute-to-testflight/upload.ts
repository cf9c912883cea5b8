import type { AscClient } from '#shared/asc/client.js'
import { relatedId, type Document, type Resource } from '#shared/asc/types.js'
import type { components } from '#shared/asc/generated/openapi-types.js'
import { ApiError } from '#shared/asc/errors.js'
import { ConfigurationError, TimeoutError } from '#shared/errors.js'
import { formatDuration } from '#shared/duration.js'
import { pollUntil } from '#shared/poll.js'
import { runReport } from '#shared/report.js'
import { serverText } from '#shared/log.js'
import type { Sleep } from '#shared/sleep.js'
import type { ArchiveInfo } from './archive.js'
import { describeBuild, findBuild } from './builds.js'
import { formatBytes, waitClock } from './progress.js'
import type { Target } from './target.js'
import { hashFile, transferParts, type TransferOptions, type UploadOperation } from './transfer.js'

type UploadAttributes = NonNullable<components['schemas']['BuildUpload']['attributes']>
type UploadState = NonNullable<UploadAttributes['state']>
type FileAttributes = NonNullable<components['schemas']['BuildUploadFile']['attributes']>

export interface UploadResult {
  uploadId: string
  /** The build it made, when App Store Connect linked it. */
  buildId?: string
  bytes: number
  parts: number
  retries: number
  /** Time spent sending the parts. */
  transferMs: number
  sha256: string
  /** Warnings Apple attached to the upload. */
  warnings: string[]
}

/**
 * Apple refused the upload as a duplicate, and that build (or its upload) is already this app's: it
 * is carried on with, as a rerun would.
 */
export interface ReusedUpload {
  reused: true
  /** The upload already made for this version and build number, when one was found. */
  uploadId?: string
  /** The build, when App Store Connect has it already. */
  buildId?: string
}

export interface UploadOptions {
  pollIntervalMs: number
  /** Epoch ms by which the upload must be COMPLETE. */
  deadline: number
  /** When the bound started (default: now). */
  startedAt?: number
  transfer?: TransferOptions
  sleep?: Sleep
  log?: (message: string) => void
}

function details(state: UploadState | undefined, kind: 'errors' | 'warnings'): string[] {
  return (state?.[kind] ?? []).map((d) => [d.code, d.description].filter(Boolean).join(': '))
}

/**
 * Uploads an archive through Apple's Build Upload API: create the build upload and its file, send
 * every part as the operations say (checksum computed beside it), commit the file, and follow the
 * upload's state until COMPLETE. FAILED ends at once with Apple's reasons.
 */
export async function uploadArchive(
  client: AscClient,
  appId: string,
  archive: ArchiveInfo,
  target: Target,
  options: UploadOptions
): Promise<UploadResult | ReusedUpload> {
  const log = options.log ?? (() => undefined)
  const startedAt = options.startedAt ?? Date.now()
  const attributes = {
    cfBundleShortVersionString: target.version!,
    cfBundleVersion: target.buildNumber,
    platform: target.platform
  }
  const uploadsOfApp = (states?: string[]) =>
    client.all<Resource<UploadAttributes>>(`/v1/apps/${encodeURIComponent(appId)}/buildUploads`, {
      'filter[cfBundleShortVersionString]': [attributes.cfBundleShortVersionString],
      'filter[cfBundleVersion]': [attributes.cfBundleVersion],
      'filter[platform]': [attributes.platform],
      'filter[state]': states,
      'fields[buildUploads]': [
        'cfBundleShortVersionString',
        'cfBundleVersion',
        'platform',
        'state',
        'build'
      ]
    })
  const same = (u: Resource<UploadAttributes>) =>
    u.attributes?.cfBundleVersion === attributes.cfBundleVersion &&
    u.attributes?.cfBundleShortVersionString === attributes.cfBundleShortVersionString

  // 1. The build upload. A lost answer is recovered from the app's uploads awaiting their file.
  let upload: Document<Resource>
  try {
    upload = await client.post<Document<Resource>>(
      '/v1/buildUploads',
      {
        data: {
          type: 'buildUploads',
          attributes,
          relationships: { app: { data: { type: 'apps', id: appId } } }
        }
      },
      {
        recover: async () => {
          const { data } = await uploadsOfApp(['AWAITING_UPLOAD'])
          const found = data.find(same)
          return found ? { data: found } : undefined
        }
      }
    )
  } catch (e) {
    const duplicate = duplicateOf(e)
    if (!duplicate) throw e
    return carryOnWithDuplicate(client, appId, target, options, duplicate, {
      uploadsOfApp: async () => (await uploadsOfApp()).data.filter(same),
      log,
      startedAt
    })
  }
  const uploadId = upload.data.id
  log(`Build upload ${uploadId} created for ${target.version} (${target.buildNumber}).`)

  // 2. Its file, with the operations that say how to send it.
  const fileBody = {
    data: {
      type: 'buildUploadFiles',
      attributes: {
        fileName: archive.fileName,
        fileSize: archive.size,
        uti: archive.kind === 'pkg' ? 'com.apple.pkg' : 'com.apple.ipa',
        assetType: 'ASSET'
      },
      relationships: { buildUpload: { data: { type: 'buildUploads', id: uploadId } } }
    }
  }
  const file = await client.post<Document<Resource<FileAttributes>>>(
    '/v1/buildUploadFiles',
    fileBody,
    {
      recover: async () => {
        const { data } = await client.all<Resource<FileAttributes>>(
          `/v1/buildUploads/${encodeURIComponent(uploadId)}/buildUploadFiles`,
          {}
        )
        const found = data.find(
          (f) =>
            f.attributes?.fileName === archive.fileName && f.attributes?.fileSize === archive.size
        )
        return found ? { data: found } : undefined
      }
    }
  )
  const ops = (file.data.attributes?.uploadOperations ?? []) as UploadOperation[]
  log(`Sending ${archive.fileName} (${formatBytes(archive.size)}) in ${ops.length} part(s).`)

  // 3. The parts, with the checksum computed beside them.
  const digest = hashFile(archive.path, 'sha256')
  digest.catch(() => undefined)
  const transfer = await transferParts(ops, archive.path, archive.size, {
    log,
    deadline: options.deadline,
    stallMs: stallWindow(options.deadline - Date.now()),
    ...options.transfer
  })
  const sha256 = await digest

  // 4. Commit.
  await client.patch(`/v1/buildUploadFiles/${encodeURIComponent(file.data.id)}`, {
    data: {
      type: 'buildUploadFiles',
      id: file.data.id,
      attributes: {
        uploaded: true,
        sourceFileChecksums: { file: { hash: sha256, algorithm: 'SHA_256' } }
      }
    }
  })

  // 5. Follow the upload's state.
  let state: UploadState | undefined
  const done = await pollUntil(
    {
      deadline: options.deadline,
      intervalMs: options.pollIntervalMs,
      log,
      sleep: options.sleep,
      timeout: () =>
        new TimeoutError(
          `The upload ${uploadId} was still ${state?.state ?? 'PROCESSING'} when processing-timeout ran out. Run the step again later (it finds the build once Apple has it), or raise processing-timeout.`
        )
    },
    async () => {
      const doc = await client.get<Document<Resource<UploadAttributes>>>(
        `/v1/buildUploads/${encodeURIComponent(uploadId)}`,
        {
          'fields[buildUploads]': ['state', 'build']
        }
      )
      state = doc.data.attributes?.state
      if (state?.state === 'FAILED') throw refused(archive.fileName, uploadId, target, state)
      if (state?.state !== 'COMPLETE')
        return {
          done: false,
          waiting: `Upload ${uploadId} is ${state?.state ?? 'PROCESSING'} (${waitClock(startedAt, options.deadline)})`
        }
      return {
        done: true,
        value: {
          uploadId,
          buildId: relatedId(doc.data, 'build'),
          bytes: transfer.bytes,
          parts: transfer.parts,
          retries: transfer.retries,
          transferMs: transfer.ms,
          sha256,
          warnings: details(state, 'warnings')
        }
      }
    }
  )
  runReport.step(
    `uploaded ${archive.fileName} as ${describeBuild(target)} (${formatBytes(done.bytes)} in ${done.parts} part(s))`
  )
  return done
}

/** The stall window for the parts: a tenth of the time left, between 1 s and a minute. */
export function stallWindow(leftMs: number): number {
  return Math.min(60_000, Math.max(1000, Math.round(leftMs / 10)))
}

/** Apple's codes for a closed version train: the marketing version must be raised. */
const CLOSED_TRAIN = /(?:^|\D)(90062|90186)(?:\D|$)/

/** A FAILED upload as an error: a closed version train names `version`, anything else `ipa-path`. */
export function refused(
  fileName: string,
  uploadId: string,
  target: Pick<Target, 'version' | 'buildNumber'>,
  state: UploadState
): ConfigurationError {
  const errors = details(state, 'errors')
  const reasons = serverText(errors.length ? errors.join('; ') : 'no reason given')
  if ((state.errors ?? []).some((d) => CLOSED_TRAIN.test(d.code ?? '')))
    return new ConfigurationError(
      `App Store Connect refused the upload of ${fileName} (build upload ${uploadId}) because version ${target.version ?? ''} is closed: a version with this CFBundleShortVersionString was already approved, so its train takes no new builds (${reasons}). Raise the marketing version (CFBundleShortVersionString, or the version input) above the last approved one, build again and run the step.`,
      'version'
    )
  return new ConfigurationError(
    `App Store Connect refused the upload of ${fileName} (build upload ${uploadId}): ${reasons}. Fix the archive and run the step again.`,
    'ipa-path'
  )
}

interface Duplicate {
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
async function carryOnWithDuplicate(
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
