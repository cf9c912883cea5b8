import type { AscClient } from '#shared/asc/client.js'
import { relatedId, type Document, type Resource } from '#shared/asc/types.js'
import type { components } from '#shared/asc/generated/openapi-types.js'
import { ConfigurationError, TimeoutError } from '#shared/errors.js'
import { pollUntil } from '#shared/poll.js'
import type { Sleep } from '#shared/sleep.js'
import type { ArchiveInfo } from './archive.js'
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

export interface UploadOptions {
  pollIntervalMs: number
  /** Epoch ms by which the upload must be COMPLETE. */
  deadline: number
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
): Promise<UploadResult> {
  const log = options.log ?? (() => undefined)
  const attributes = {
    cfBundleShortVersionString: target.version!,
    cfBundleVersion: target.buildNumber,
    platform: target.platform
  }

  // 1. The build upload. A lost answer is recovered from the app's uploads awaiting their file.
  const upload = await client.post<Document<Resource>>(
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
        const { data } = await client.all(`/v1/apps/${encodeURIComponent(appId)}/buildUploads`, {
          'filter[cfBundleShortVersionString]': [attributes.cfBundleShortVersionString],
          'filter[cfBundleVersion]': [attributes.cfBundleVersion],
          'filter[platform]': [attributes.platform],
          'filter[state]': ['AWAITING_UPLOAD'],
          'fields[buildUploads]': [
            'cfBundleShortVersionString',
            'cfBundleVersion',
            'platform',
            'state'
          ]
        })
        const found = data.find(
          (u) =>
            u.attributes?.cfBundleVersion === attributes.cfBundleVersion &&
            u.attributes?.cfBundleShortVersionString === attributes.cfBundleShortVersionString
        )
        return found ? { data: found } : undefined
      }
    }
  )
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
  log(`Sending ${archive.fileName} (${archive.size} bytes) in ${ops.length} part(s).`)

  // 3. The parts, with the checksum computed beside them.
  const digest = hashFile(archive.path, 'sha256')
  digest.catch(() => undefined)
  const transfer = await transferParts(ops, archive.path, archive.size, {
    log,
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
  return pollUntil(
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
      if (state?.state === 'FAILED') {
        const errors = details(state, 'errors')
        throw new ConfigurationError(
          `App Store Connect refused the upload of ${archive.fileName} (build upload ${uploadId}): ${errors.length ? errors.join('; ') : 'no reason given'}. Fix the archive and run the step again.`,
          'ipa-path'
        )
      }
      if (state?.state !== 'COMPLETE')
        return { done: false, waiting: `Upload ${uploadId} is ${state?.state ?? 'PROCESSING'}` }
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
}
