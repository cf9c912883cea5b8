import { mapLimit } from '#shared/concurrency.js'
import { formatDuration } from '#shared/duration.js'
import { OperationFailedError, TimeoutError } from '#shared/errors.js'
import { serverText, type Logger } from '#shared/log.js'
import type {
  AppStoreVersions,
  StoreSubmission,
  StoreVersion
} from '#shared/asc/app-store-versions.js'
import { APPROVED, LIVE, REJECTED, localizationChanges, type Plan } from './plan.js'
import type { SubmitSettings } from './settings.js'
import { sleep } from '#shared/sleep.js'

/** The part of the App Store versions port the executor uses (a test passes an in-memory one). */
export type SubmitPort = Pick<
  AppStoreVersions,
  | 'get'
  | 'create'
  | 'update'
  | 'localizations'
  | 'createLocalization'
  | 'updateLocalization'
  | 'createReviewDetail'
  | 'updateReviewDetail'
  | 'createPhasedRelease'
  | 'deletePhasedRelease'
  | 'answerCompliance'
  | 'createSubmission'
  | 'addItem'
  | 'setSubmission'
  | 'getSubmission'
>

/** Independent writes (localizations, review details, phased release) in flight at once. */
export const CONCURRENCY = 4

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}
export const realClock: Clock = {
  now: () => Date.now(),
  sleep
}

export interface Applied {
  versionId: string
  submission?: StoreSubmission
  /** One line per change made, for the summary. */
  done: string[]
}

type Wanted = Pick<SubmitSettings, 'version' | 'localized'>

/** App Review's page of the app in App Store Connect (where the Resolution Center messages are). */
export function reviewUrl(appId: string): string {
  return `https://appstoreconnect.apple.com/apps/${encodeURIComponent(appId)}/distribution/reviewsubmissions`
}

/** Carries out a plan whose status is `change` (and whose cancel, if any, is done). */
export async function applyPlan(
  port: SubmitPort,
  appId: string,
  platform: string,
  plan: Plan,
  wanted: Wanted,
  log: Logger
): Promise<Applied> {
  const done: string[] = []
  if (plan.compliance) {
    await port.answerCompliance(plan.compliance.buildId, plan.compliance.usesNonExemptEncryption)
    done.push(
      `Export compliance answered on build ${plan.build?.buildNumber}: uses non-exempt encryption ${plan.compliance.usesNonExemptEncryption}`
    )
  }
  let versionId: string
  let localizations = plan.localizations
  if (!plan.version) {
    versionId = await port.create(
      appId,
      platform,
      { versionString: wanted.version, ...plan.versionChanges },
      plan.attachBuild?.id
    )
    done.push(
      `Version ${wanted.version} created${plan.attachBuild ? ` with build ${plan.attachBuild.buildNumber}` : ''}`
    )
    const existing = await port.localizations(versionId)
    localizations = localizationChanges(
      wanted.localized,
      existing,
      plan.primaryLocale,
      plan.first
    ).changes
  } else {
    versionId = plan.version.id
    if (Object.keys(plan.versionChanges).length || plan.attachBuild) {
      await port.update(versionId, plan.versionChanges, plan.attachBuild?.id)
      const what = [
        plan.versionChanges.versionString ? `renamed from ${plan.version.versionString}` : '',
        plan.attachBuild ? `build ${plan.attachBuild.buildNumber} attached` : '',
        plan.versionChanges.releaseType
          ? `release type ${String(plan.versionChanges.releaseType)}`
          : ''
      ].filter(Boolean)
      done.push(`Version ${wanted.version} updated${what.length ? `: ${what.join(', ')}` : ''}`)
    }
  }
  const writes: Array<() => Promise<string>> = localizations.map((l) => async () => {
    if (l.id) await port.updateLocalization(l.id, l.attributes)
    else await port.createLocalization(versionId, l.locale, l.attributes)
    return `${l.locale}: ${Object.keys(l.attributes).join(', ')} ${l.id ? 'updated' : 'added'}`
  })
  const detail = plan.reviewDetail
  if (detail)
    writes.push(async () => {
      if (detail.id) await port.updateReviewDetail(detail.id, detail.attributes)
      else await port.createReviewDetail(versionId, detail.attributes)
      return `Review details: ${Object.keys(detail.attributes).join(', ')}`
    })
  const phased = plan.phased
  if (phased)
    writes.push(async () => {
      if ('delete' in phased) await port.deletePhasedRelease(phased.delete)
      else await port.createPhasedRelease(versionId)
      return 'delete' in phased ? 'Phased release removed' : 'Phased release turned on'
    })
  for (const line of await mapLimit(writes, CONCURRENCY, (write) => write())) {
    log.info(line)
    done.push(line)
  }

  let submission: StoreSubmission | undefined
  if (plan.submission) {
    submission = plan.submission.reuse ?? (await port.createSubmission(appId, platform))
    if (plan.submission.addItem || !plan.submission.reuse)
      await port.addItem(submission.id, versionId)
    submission = await port.setSubmission(submission.id, { submitted: true })
    done.push(`Submitted for review (submission ${submission.id})`)
    log.info(
      serverText(
        `Submitted ${wanted.version} for review: submission ${submission.id}, ${submission.state}.`
      )
    )
  }
  return { versionId, submission, done }
}

async function poll<T>(
  what: string,
  read: () => Promise<T>,
  finished: (value: T) => string | undefined,
  o: { timeoutMs: number; pollIntervalMs: number; clock: Clock; log: Logger }
): Promise<T> {
  const started = o.clock.now()
  for (;;) {
    const value = await read()
    const state = finished(value)
    const elapsed = o.clock.now() - started
    if (state === undefined) return value
    const remaining = o.timeoutMs - elapsed
    if (remaining <= 0)
      throw new TimeoutError(
        `${what} did not finish within ${formatDuration(o.timeoutMs)} (still ${state}). Run the step again later: it picks up where this one stopped.`
      )
    o.log.info(
      `${what}: ${serverText(state)}; ${formatDuration(elapsed)} elapsed, ${formatDuration(remaining)} left.`
    )
    await o.clock.sleep(Math.min(o.pollIntervalMs, remaining))
  }
}

/** Cancels a submission (replace-in-review) and waits until Apple has completed the cancel. */
export async function cancelSubmission(
  port: SubmitPort,
  submission: StoreSubmission,
  o: { timeoutMs: number; pollIntervalMs: number; clock: Clock; log: Logger }
): Promise<void> {
  if (submission.state !== 'CANCELING') await port.setSubmission(submission.id, { canceled: true })
  await poll(
    `Canceling submission ${submission.id}`,
    () => port.getSubmission(submission.id),
    (s) => (s.state === 'COMPLETE' ? undefined : s.state),
    o
  )
}

/** Waits until App Review approved or rejected the version; rejected is an OperationFailedError. */
export async function waitForReview(
  port: SubmitPort,
  appId: string,
  versionId: string,
  o: { timeoutMs: number; pollIntervalMs: number; clock: Clock; log: Logger }
): Promise<StoreVersion> {
  const version = await poll(
    'Waiting for App Review',
    () => port.get(versionId),
    (v) =>
      APPROVED.includes(v.state) ||
      LIVE.includes(v.state) ||
      REJECTED.includes(v.state) ||
      v.state === 'DEVELOPER_REJECTED'
        ? undefined
        : v.state,
    o
  )
  if (REJECTED.includes(version.state) || version.state === 'DEVELOPER_REJECTED')
    throw new OperationFailedError(
      `App Review did not approve ${serverText(version.versionString)}: it is ${serverText(version.state)}. Read Apple's reasons in the Resolution Center (${reviewUrl(appId)}), fix them and run the step again.`
    )
  return version
}
