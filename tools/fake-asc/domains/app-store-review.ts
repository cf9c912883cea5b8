// App Review, as far as submit-to-app-store needs it (the versions themselves: app-store.ts).
// - reviewSubmissions: one unsubmitted (READY_FOR_REVIEW) per app and platform (409). Items: an
//   editable version with a build, in one open submission at a time. `submitted: true` makes the
//   submission and its version WAITING_FOR_REVIEW; `canceled: true` makes it CANCELING, and it
//   completes on the next read (the version becomes DEVELOPER_REJECTED, editable again).
// - Review outcomes are driven by tests: scriptReview(fake, versionId, { after, outcome }) moves a
//   waiting version to IN_REVIEW and then to the outcome after that many reads of it; reviewNow()
//   applies an outcome at once. Approved: MANUAL -> PENDING_DEVELOPER_RELEASE, AFTER_APPROVAL ->
//   READY_FOR_DISTRIBUTION, SCHEDULED -> PENDING_APPLE_RELEASE (or READY_FOR_DISTRIBUTION once the
//   date passed). Rejected: REJECTED, the submission UNRESOLVED_ISSUES.
import { AscError } from '../errors.js'
import type { Domain, FakeAscHandle, Resource } from '../types.js'
import {
  inputRel,
  relId,
  requireEditable,
  setVersionState,
  startPhasedRelease,
  versionOfInput
} from './app-store.js'

type Store = FakeAscHandle['store']

export type ReviewOutcome = 'APPROVED' | 'REJECTED'
interface ReviewScript {
  after: number
  outcome: ReviewOutcome
  reads: number
}
interface AppStoreState {
  scripts: Map<string, ReviewScript>
}

function state(fake: FakeAscHandle): AppStoreState {
  return (fake.state.appStore ??= { scripts: new Map() }) as AppStoreState
}

function submissionVersions(store: Store, submission: Resource): Resource[] {
  return store
    .list('reviewSubmissionItems', (i) => relId(i, 'reviewSubmission') === submission.id)
    .map((i) => store.get('appStoreVersions', relId(i, 'appStoreVersion') ?? ''))
    .filter((v): v is Resource => Boolean(v))
}

function setItems(store: Store, submission: Resource, itemState: string): void {
  for (const item of store.list(
    'reviewSubmissionItems',
    (i) => relId(i, 'reviewSubmission') === submission.id
  ))
    store.update('reviewSubmissionItems', item.id, { attributes: { state: itemState } })
}

/** Applies a review outcome to a version waiting for or in review, and to its submission. */
export function reviewNow(fake: FakeAscHandle, versionId: string, outcome: ReviewOutcome): void {
  const { store } = fake
  const version = store.must('appStoreVersions', versionId)
  const submission = store
    .list('reviewSubmissions')
    .find(
      (s) => relId(s, 'appStoreVersionForReview') === versionId && s.attributes.state !== 'COMPLETE'
    )
  if (outcome === 'REJECTED') {
    setVersionState(store, versionId, 'REJECTED')
    if (submission) {
      store.update('reviewSubmissions', submission.id, {
        attributes: { state: 'UNRESOLVED_ISSUES' }
      })
      setItems(store, submission, 'REJECTED')
    }
    return
  }
  const type = version.attributes.releaseType ?? 'AFTER_APPROVAL'
  const date = Date.parse(String(version.attributes.earliestReleaseDate ?? ''))
  const next =
    type === 'MANUAL'
      ? 'PENDING_DEVELOPER_RELEASE'
      : type === 'SCHEDULED' && date > fake.now()
        ? 'PENDING_APPLE_RELEASE'
        : 'READY_FOR_DISTRIBUTION'
  setVersionState(store, versionId, next)
  if (next === 'READY_FOR_DISTRIBUTION') startPhasedRelease(fake, version)
  if (submission) {
    store.update('reviewSubmissions', submission.id, { attributes: { state: 'COMPLETE' } })
    setItems(store, submission, 'APPROVED')
  }
}

/** Once submitted, the version goes IN_REVIEW after `after` reads of it, then to `outcome`. */
export function scriptReview(
  fake: FakeAscHandle,
  versionId: string,
  script: { after: number; outcome: ReviewOutcome }
): void {
  state(fake).scripts.set(versionId, { ...script, reads: 0 })
}

export const appStoreReviewDomain: Domain = {
  name: 'app-store-review',
  resources: {
    appStoreVersions: {
      read(view, ctx) {
        const script = state(ctx.fake).scripts.get(view.id)
        if (
          !script ||
          ctx.method !== 'GET' ||
          (view.attributes.appVersionState !== 'WAITING_FOR_REVIEW' &&
            view.attributes.appVersionState !== 'IN_REVIEW')
        )
          return
        if (!ctx.path.startsWith('/v1/appStoreVersions/')) return
        script.reads++
        if (script.reads >= script.after) {
          reviewNow(ctx.fake, view.id, script.outcome)
          state(ctx.fake).scripts.delete(view.id)
        } else setVersionState(ctx.store, view.id, 'IN_REVIEW')
        Object.assign(view.attributes, ctx.store.must('appStoreVersions', view.id).attributes)
      }
    },
    reviewSubmissions: {
      read(view, ctx) {
        if (view.attributes.state !== 'CANCELING' || ctx.method !== 'GET') return
        ctx.store.update('reviewSubmissions', view.id, { attributes: { state: 'COMPLETE' } })
        view.attributes.state = 'COMPLETE'
        const submission = ctx.store.must('reviewSubmissions', view.id)
        setItems(ctx.store, submission, 'REMOVED')
        for (const v of submissionVersions(ctx.store, submission))
          setVersionState(ctx.store, v.id, 'DEVELOPER_REJECTED')
      },
      beforeCreate(input, ctx) {
        const appId = inputRel(input, 'app')
        const platform = input.attributes.platform ?? 'IOS'
        const open = ctx.store
          .list('reviewSubmissions')
          .find(
            (s) =>
              relId(s, 'app') === appId &&
              s.attributes.platform === platform &&
              s.attributes.state === 'READY_FOR_REVIEW'
          )
        if (open)
          throw new AscError(
            409,
            'STATE_ERROR',
            `The app already has an unsubmitted review submission for ${String(platform)} (${open.id}).`
          )
        input.attributes.platform = platform
        input.attributes.state = 'READY_FOR_REVIEW'
      },
      beforeUpdate(submission, changes, ctx) {
        const s = String(submission.attributes.state)
        if (changes.attributes.submitted === true) {
          if (s !== 'READY_FOR_REVIEW')
            throw new AscError(
              409,
              'STATE_ERROR',
              `The submission is ${s}; it cannot be submitted.`
            )
          const versions = submissionVersions(ctx.store, submission)
          if (!versions.length)
            throw new AscError(409, 'STATE_ERROR', 'The submission has no items to submit.')
          for (const v of versions)
            if (!relId(v, 'build'))
              throw new AscError(
                409,
                'ENTITY_ERROR.RELATIONSHIP.REQUIRED',
                `Version ${String(v.attributes.versionString)} has no build.`
              )
          changes.attributes.state = 'WAITING_FOR_REVIEW'
          changes.attributes.submittedDate = new Date(ctx.now).toISOString()
          for (const v of versions) setVersionState(ctx.store, v.id, 'WAITING_FOR_REVIEW')
        }
        if (changes.attributes.canceled === true) {
          if (
            !['WAITING_FOR_REVIEW', 'IN_REVIEW', 'UNRESOLVED_ISSUES', 'READY_FOR_REVIEW'].includes(
              s
            )
          )
            throw new AscError(409, 'STATE_ERROR', `The submission is ${s}; it cannot be canceled.`)
          changes.attributes.state = 'CANCELING'
        }
        delete changes.attributes.submitted
        delete changes.attributes.canceled
      }
    },
    reviewSubmissionItems: {
      beforeCreate(input, ctx) {
        const version = versionOfInput(ctx, input)
        requireEditable(version, 'a review submission item')
        const submission = ctx.store.get(
          'reviewSubmissions',
          inputRel(input, 'reviewSubmission') ?? ''
        )
        if (submission && submission.attributes.state !== 'READY_FOR_REVIEW')
          throw new AscError(
            409,
            'STATE_ERROR',
            'Items can only be added to an unsubmitted submission.'
          )
        if (
          version &&
          ctx.store.list(
            'reviewSubmissionItems',
            (i) =>
              relId(i, 'appStoreVersion') === version.id &&
              ['READY_FOR_REVIEW', 'ACCEPTED'].includes(String(i.attributes.state))
          ).length
        )
          throw new AscError(
            409,
            'ENTITY_ERROR.RELATIONSHIP.INVALID',
            'The version is already an item of a review submission.',
            { pointer: '/data/relationships/appStoreVersion' }
          )
        input.attributes.state = 'READY_FOR_REVIEW'
      },
      afterCreate(item, ctx) {
        const versionId = relId(item, 'appStoreVersion')
        const submissionId = relId(item, 'reviewSubmission')
        if (versionId && submissionId)
          ctx.store.update('reviewSubmissions', submissionId, {
            relationships: {
              appStoreVersionForReview: { type: 'appStoreVersions', id: versionId }
            }
          })
      }
    }
  }
}
