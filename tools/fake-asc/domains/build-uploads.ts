// Apple's Build Upload API:
// - POST /v1/buildUploads: state AWAITING_UPLOAD. A build or a received upload (PROCESSING, COMPLETE) with the same
//   version, build number and platform already in the app is refused (409
//   ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE at /data/attributes/cfBundleVersion), as Apple's would
//   be, with `meta.previousBundleVersion` when the `previousBundleVersion` setting is given; so is a
//   build number listed in `takenBuildNumbers` (used by another app, or by a race we cannot see).
// - POST /v1/buildUploadFiles: answers `uploadOperations`, parts of `partSize` bytes (setting), each a
//   PUT to /fake-upload/{fileId}/{part} on this server with two required headers.
// - The part route (not an API route: no token) refuses an Authorization header (and records a
//   violation), a missing or wrong listed header, a wrong length; `stallParts` part requests are
//   read whole and never answered (a stalled upload host); it hashes the bytes in file order
//   (out-of-order parts wait in memory) and keeps them unless `keepBytes` is false (the bench).
// - PATCH /v1/buildUploadFiles/{id} with `uploaded: true` checks every part arrived and the
//   checksum (SHA_256 or MD5 of the whole file, hex), then the upload goes PROCESSING, and after
//   `readsUntilComplete` reads COMPLETE (with a new build, PROCESSING for `buildReadsUntilValid`
//   reads) or FAILED with `failWith` reasons.
import { createHash, randomBytes, type Hash } from 'node:crypto'
import { AscError } from '../errors.js'
import type { Domain, FakeAscHandle, Resource } from '../types.js'
import { scriptProcessing, seedBuild } from './testflight.js'

export interface UploadedFile {
  fileId: string
  uploadId: string
  size: number
  operations: Array<{ offset: number; length: number; token: string }>
  received: Map<number, number>
  /** The whole file, when `keepBytes` (in order); parts are kept until they can be placed. */
  bytes?: Buffer
  pending: Map<number, Buffer>
  nextPart: number
  sha256: Hash
  md5: Hash
  digests?: { sha256: string; md5: string }
  committed: boolean
  checksum?: { hash?: string; algorithm?: string }
  partRequests: number
}

export interface BuildUploadSettings {
  partSize: number
  keepBytes: boolean
  readsUntilComplete: number
  buildReadsUntilValid: number
  /** Set to make the next committed upload FAILED with these reasons. */
  failWith?: Array<{ code: string; description: string }>
  /** Part requests to answer 503 first (a flaky upload host). */
  failParts: number
  /** Part requests (the next ones) whose body is read and that are never answered; Infinity: all. */
  stallParts: number
  /** Build numbers refused as duplicates whatever this app holds (taken elsewhere). */
  takenBuildNumbers: string[]
  /** Sent as `meta.previousBundleVersion` with a duplicate refusal. */
  previousBundleVersion?: string
}

interface UploadState {
  settings: BuildUploadSettings
  files: Map<string, UploadedFile>
  reads: Map<string, number>
  chunks: Map<string, Buffer[]>
}

function state(fake: FakeAscHandle): UploadState {
  return (fake.state['build-uploads'] ??= {
    settings: {
      partSize: 5 * 1024 * 1024,
      keepBytes: true,
      readsUntilComplete: 1,
      buildReadsUntilValid: 1,
      failParts: 0,
      stallParts: 0,
      takenBuildNumbers: []
    },
    files: new Map(),
    reads: new Map(),
    chunks: new Map()
  }) as UploadState
}

/** The upload settings of this fake (mutable). */
export function buildUploadSettings(fake: FakeAscHandle): BuildUploadSettings {
  return state(fake).settings
}

/** Files received through the part route, by buildUploadFiles id. */
export function uploadedFiles(fake: FakeAscHandle): UploadedFile[] {
  return [...state(fake).files.values()]
}

function place(file: UploadedFile, keep: boolean, chunks?: Buffer[]): void {
  for (;;) {
    const part = file.pending.get(file.nextPart)
    if (!part) return
    file.pending.delete(file.nextPart)
    file.sha256.update(part)
    file.md5.update(part)
    if (keep) chunks!.push(part)
    file.nextPart++
  }
}

function complete(fake: FakeAscHandle, upload: Resource): void {
  const s = state(fake)
  const appId = fake.store.relatedIds(upload, 'app')[0]?.id
  if (s.settings.failWith) {
    fake.store.update('buildUploads', upload.id, {
      attributes: {
        state: { state: 'FAILED', errors: s.settings.failWith, warnings: [], infos: [] }
      }
    })
    s.settings.failWith = undefined
    return
  }
  const build = seedBuild(fake, appId!, {
    version: String(upload.attributes.cfBundleShortVersionString),
    buildNumber: String(upload.attributes.cfBundleVersion),
    platform: String(upload.attributes.platform)
  })
  fake.store.update('builds', build.id, {
    relationships: { buildUpload: { type: 'buildUploads', id: upload.id } }
  })
  scriptProcessing(fake, build.id, { after: s.settings.buildReadsUntilValid })
  fake.store.update('buildUploads', upload.id, {
    attributes: {
      state: { state: 'COMPLETE', errors: [], warnings: [], infos: [] },
      uploadedDate: new Date(fake.now()).toISOString()
    },
    relationships: { build: { type: 'builds', id: build.id } }
  })
}

export const buildUploadsDomain: Domain = {
  name: 'build-uploads',
  resources: {
    buildUploads: {
      filters: {
        // Apple's `state` attribute is an object; its filter matches the state inside.
        state: (view, values) =>
          values.includes(String((view.attributes.state as { state?: string })?.state))
      },
      beforeCreate(input, ctx) {
        const appId = (input.relationships.app?.data as { id?: string } | null)?.id ?? ''
        if (!ctx.store.get('apps', appId))
          throw new AscError(404, 'NOT_FOUND', `There is no app with id '${appId}'.`)
        const dup = ctx.store.list('builds').find((b) => {
          const pre = ctx.store.related(b, 'preReleaseVersion')[0]
          return (
            ctx.store.relatedIds(b, 'app')[0]?.id === appId &&
            b.attributes.version === input.attributes.cfBundleVersion &&
            pre?.attributes.version === input.attributes.cfBundleShortVersionString &&
            pre?.attributes.platform === input.attributes.platform
          )
        })
        const upload = ctx.store
          .list('buildUploads')
          .find(
            (u) =>
              ctx.store.relatedIds(u, 'app')[0]?.id === appId &&
              u.attributes.cfBundleVersion === input.attributes.cfBundleVersion &&
              u.attributes.cfBundleShortVersionString ===
                input.attributes.cfBundleShortVersionString &&
              u.attributes.platform === input.attributes.platform &&
              ['PROCESSING', 'COMPLETE'].includes(
                String((u.attributes.state as { state?: string })?.state)
              )
          )
        const s = state(ctx.fake)
        const taken = s.settings.takenBuildNumbers.includes(
          String(input.attributes.cfBundleVersion)
        )
        if (dup || upload || taken)
          throw new AscError(
            409,
            'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
            `The bundle version ${String(input.attributes.cfBundleVersion)} has already been used.`,
            {
              pointer: '/data/attributes/cfBundleVersion',
              ...(s.settings.previousBundleVersion !== undefined
                ? { meta: { previousBundleVersion: s.settings.previousBundleVersion } }
                : {})
            }
          )
        input.attributes.state = { state: 'AWAITING_UPLOAD', errors: [], warnings: [], infos: [] }
        input.attributes.createdDate = new Date(ctx.now).toISOString()
      },
      read(view, ctx) {
        const st = view.attributes.state as { state?: string } | undefined
        if (
          ctx.method !== 'GET' ||
          st?.state !== 'PROCESSING' ||
          !ctx.path.startsWith('/v1/buildUploads/')
        )
          return
        const s = state(ctx.fake)
        const n = (s.reads.get(view.id) ?? 0) + 1
        s.reads.set(view.id, n)
        if (n < s.settings.readsUntilComplete) return
        const stored = ctx.store.must('buildUploads', view.id)
        complete(ctx.fake, stored)
        view.attributes = structuredClone(stored.attributes)
        view.relationships = structuredClone(stored.relationships)
      }
    },
    buildUploadFiles: {
      beforeCreate(input, ctx) {
        const uploadId = (input.relationships.buildUpload?.data as { id?: string } | null)?.id ?? ''
        const upload = ctx.store.get('buildUploads', uploadId)
        if (!upload)
          throw new AscError(404, 'NOT_FOUND', `There is no build upload with id '${uploadId}'.`)
        if ((upload.attributes.state as { state?: string })?.state !== 'AWAITING_UPLOAD')
          throw new AscError(409, 'STATE_ERROR', 'The build upload is not awaiting a file.')
        const s = state(ctx.fake)
        const size = Number(input.attributes.fileSize)
        const id = ctx.store.newId('buildUploadFiles')
        input.id = id
        const operations: UploadedFile['operations'] = []
        for (let offset = 0, part = 1; offset < size; offset += s.settings.partSize, part++)
          operations.push({
            offset,
            length: Math.min(s.settings.partSize, size - offset),
            token: randomBytes(8).toString('hex')
          })
        s.files.set(id, {
          fileId: id,
          uploadId,
          size,
          operations,
          received: new Map(),
          pending: new Map(),
          nextPart: 1,
          sha256: createHash('sha256'),
          md5: createHash('md5'),
          committed: false,
          partRequests: 0
        })
        s.chunks.set(id, [])
        const expiration = new Date(ctx.now + 3600_000).toISOString()
        input.attributes.uploadOperations = operations.map((op, i) => ({
          method: 'PUT',
          url: `${ctx.baseUrl}/fake-upload/${id}/${i + 1}`,
          offset: op.offset,
          length: op.length,
          partNumber: i + 1,
          expiration,
          requestHeaders: [
            { name: 'Content-Type', value: 'application/octet-stream' },
            { name: 'X-Fake-Upload-Token', value: op.token }
          ]
        }))
        input.attributes.assetDeliveryState = { state: 'AWAITING_UPLOAD', errors: [], warnings: [] }
      },
      beforeUpdate(resource, changes, ctx) {
        if (changes.attributes.uploaded !== true) return
        const s = state(ctx.fake)
        const file = s.files.get(resource.id)
        if (!file) throw new AscError(409, 'STATE_ERROR', 'No parts were uploaded for this file.')
        const missing = file.operations.map((_, i) => i + 1).filter((p) => !file.received.has(p))
        if (missing.length)
          throw new AscError(
            409,
            'STATE_ERROR',
            `Parts ${missing.join(', ')} of the file were not uploaded.`
          )
        file.digests ??= { sha256: file.sha256.digest('hex'), md5: file.md5.digest('hex') }
        const sum = (
          changes.attributes.sourceFileChecksums as
            { file?: { hash?: string; algorithm?: string } } | undefined
        )?.file
        file.checksum = sum
        const expected =
          sum?.algorithm === 'MD5'
            ? file.digests.md5
            : sum?.algorithm === 'SHA_256'
              ? file.digests.sha256
              : undefined
        if (!sum?.hash || !expected || sum.hash.toLowerCase() !== expected)
          throw new AscError(
            409,
            'ENTITY_ERROR.ATTRIBUTE.INVALID',
            'The file checksum does not match the uploaded bytes.',
            {
              pointer: '/data/attributes/sourceFileChecksums'
            }
          )
        file.committed = true
        if (s.settings.keepBytes) file.bytes = Buffer.concat(s.chunks.get(resource.id) ?? [])
        s.chunks.delete(resource.id)
        changes.attributes.assetDeliveryState = { state: 'COMPLETE', errors: [], warnings: [] }
      },
      afterUpdate(resource, ctx) {
        const file = state(ctx.fake).files.get(resource.id)
        if (!file?.committed) return
        const upload = ctx.store.get('buildUploads', file.uploadId)
        if (upload && (upload.attributes.state as { state?: string })?.state === 'AWAITING_UPLOAD')
          ctx.store.update('buildUploads', upload.id, {
            attributes: { state: { state: 'PROCESSING', errors: [], warnings: [], infos: [] } }
          })
      }
    }
  },
  routes: [
    {
      method: 'PUT',
      path: '/fake-upload/{fileId}/{part}',
      api: false,
      handle(ctx) {
        const s = state(ctx.fake)
        const file = s.files.get(ctx.pathParams.fileId)
        const part = Number(ctx.pathParams.part)
        const op = file?.operations[part - 1]
        if (!file || !op) return { status: 404, body: 'no such upload part' }
        file.partRequests++
        if (ctx.headers.authorization !== undefined) {
          ;(ctx.fake as unknown as { violations: string[] }).violations.push(
            `PUT /fake-upload/${file.fileId}/${part}: an Authorization header was sent to the upload host`
          )
          return { status: 403, body: 'Authorization must not be sent to the upload host' }
        }
        if (s.settings.stallParts > 0) {
          s.settings.stallParts--
          // Read whole, never answered: only closing the fake ends the request.
          return new Promise<never>(() => undefined)
        }
        if (s.settings.failParts > 0) {
          s.settings.failParts--
          return { status: 503, body: 'try again' }
        }
        if (
          ctx.headers['content-type'] !== 'application/octet-stream' ||
          ctx.headers['x-fake-upload-token'] !== op.token
        )
          return { status: 400, body: 'the listed request headers are missing or wrong' }
        if (ctx.rawBody.length !== op.length)
          return {
            status: 400,
            body: `part ${part} must have ${op.length} bytes, not ${ctx.rawBody.length}`
          }
        if (!file.received.has(part)) {
          file.received.set(part, ctx.rawBody.length)
          file.pending.set(part, ctx.rawBody)
          place(file, s.settings.keepBytes, s.chunks.get(file.fileId))
        }
        return { status: 200, body: '' }
      }
    }
  ]
}

// ---- Listing build uploads (next-build-number) ----------------------------------------------
// GET /v1/apps/{id}/buildUploads is served by the generic engine (filters on platform,
// cfBundleVersion and cfBundleShortVersionString; `state` through the hook above). This seeds an
// upload as Apple would list it: in flight (AWAITING_UPLOAD, PROCESSING), COMPLETE (with or without
// its build yet) or FAILED.

export interface SeededUpload {
  version: string
  buildNumber: string
  platform?: string
  state?: 'AWAITING_UPLOAD' | 'PROCESSING' | 'COMPLETE' | 'FAILED'
  /** ISO date-time; default now. */
  createdDate?: string
  /** ISO date-time of the finished upload; default createdDate once past AWAITING_UPLOAD. */
  uploadedDate?: string
  /** The build it became, once visible. */
  buildId?: string
}

/** Seeds one build upload of an app, straight into the store (no request is recorded). */
export function seedBuildUpload(fake: FakeAscHandle, appId: string, o: SeededUpload): Resource {
  const state = o.state ?? 'PROCESSING'
  const createdDate = o.createdDate ?? new Date(fake.now()).toISOString()
  return fake.store.create(
    'buildUploads',
    {
      cfBundleShortVersionString: o.version,
      cfBundleVersion: o.buildNumber,
      platform: o.platform ?? 'IOS',
      createdDate,
      uploadedDate: state === 'AWAITING_UPLOAD' ? null : (o.uploadedDate ?? createdDate),
      state: { state, errors: [], warnings: [], infos: [] }
    },
    {
      app: { type: 'apps', id: appId },
      ...(o.buildId ? { build: { type: 'builds', id: o.buildId } } : {})
    }
  )
}
