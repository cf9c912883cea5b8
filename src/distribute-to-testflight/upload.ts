import type { AscClient } from '#shared/asc/client.js'
import { relatedId, type Document, type Resource } from '#shared/asc/types.js'
import type { components } from '#shared/asc/generated/openapi-types.js'
import { TimeoutError } from '#shared/errors.js'
import { pollUntil } from '#shared/poll.js'
import { runReport } from '#shared/report.js'
import type { Sleep } from '#shared/sleep.js'
import type { ArchiveInfo } from './archive.js'
import { describeBuild } from './builds.js'
import { formatBytes, waitClock } from './progress.js'
import type { Target } from './target.js'
import { carryOnWithDuplicate, duplicateOf } from './duplicate-upload.js'
import { details, refused, type UploadAttributes, type UploadState } from './upload-state.js'
import { hashFile, transferParts, type TransferOptions, type UploadOperation } from './transfer.js'

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
