import type { components } from '#shared/asc/generated/openapi-types.js'
import { ConfigurationError } from '#shared/errors.js'
import { serverText } from '#shared/log.js'
import type { Target } from './target.js'

export type UploadAttributes = NonNullable<components['schemas']['BuildUpload']['attributes']>
export type UploadState = NonNullable<UploadAttributes['state']>

/** Apple's errors or warnings on an upload, as `code: description`. */
export function details(state: UploadState | undefined, kind: 'errors' | 'warnings'): string[] {
  return (state?.[kind] ?? []).map((d) => [d.code, d.description].filter(Boolean).join(': '))
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
