import { describe, expect, it } from '@jest/globals'
import type {
  StoreLocalization,
  StoreSubmission,
  StoreVersion
} from '../../../src/shared/asc/app-store-versions.js'
import { OperationFailedError, TimeoutError } from '../../../src/shared/errors.js'
import {
  applyPlan,
  cancelSubmission,
  waitForReview,
  type Clock,
  type SubmitPort
} from '../../../src/submit-to-app-store/apply.js'
import { decide } from '../../../src/submit-to-app-store/plan.js'
import { PRIMARY_LOCALE } from '../../../src/submit-to-app-store/settings.js'

const quiet = { debug: () => undefined, info: () => undefined, warning: () => undefined }

/** An in-memory port that records every call and answers like App Store Connect would. */
function memoryPort(o: { states?: string[]; submissionStates?: string[] } = {}) {
  const calls: string[] = []
  const states = [...(o.states ?? [])]
  const submissionStates = [...(o.submissionStates ?? [])]
  const localizations: StoreLocalization[] = [{ id: 'primary', locale: 'en-US', attributes: {} }]
  const submission = (state: string): StoreSubmission => ({ id: 's1', state })
  const port: SubmitPort = {
    get: async (id) => {
      calls.push(`get ${id}`)
      return {
        id,
        versionString: '2.0',
        platform: 'IOS',
        state: states.shift() ?? 'IN_REVIEW',
        localizations: []
      } as StoreVersion
    },
    create: async (_app, _platform, attributes, buildId) => {
      calls.push(`create ${String(attributes.versionString)} build=${buildId}`)
      return 'v2'
    },
    update: async (id, attributes) => void calls.push(`update ${id} ${JSON.stringify(attributes)}`),
    localizations: async (id) => {
      calls.push(`localizations ${id}`)
      return localizations
    },
    createLocalization: async (_v, locale) => void calls.push(`create localization ${locale}`),
    updateLocalization: async (id, attributes) =>
      void calls.push(`update localization ${id} ${Object.keys(attributes).join(',')}`),
    createReviewDetail: async () => void calls.push('create review detail'),
    updateReviewDetail: async () => void calls.push('update review detail'),
    createPhasedRelease: async () => void calls.push('create phased release'),
    deletePhasedRelease: async () => void calls.push('delete phased release'),
    answerCompliance: async (id, value) => void calls.push(`compliance ${id} ${value}`),
    createSubmission: async () => {
      calls.push('create submission')
      return submission('READY_FOR_REVIEW')
    },
    addItem: async (s, v) => void calls.push(`add item ${s} ${v}`),
    setSubmission: async (id, attributes) => {
      calls.push(`set submission ${id} ${JSON.stringify(attributes)}`)
      return submission(attributes.submitted ? 'WAITING_FOR_REVIEW' : 'CANCELING')
    },
    getSubmission: async () => {
      calls.push('get submission')
      return submission(submissionStates.shift() ?? 'COMPLETE')
    }
  }
  return { port, calls }
}

function fakeClock(): Clock & { slept: number[] } {
  let now = 0
  const slept: number[] = []
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms)
      now += ms
    }
  }
}

const wanted = {
  version: '2.0',
  buildNumber: '42',
  usesNonExemptEncryption: false,
  localized: { [PRIMARY_LOCALE]: { whatsNew: 'New' }, 'de-DE': { whatsNew: 'Neu' } },
  releaseType: 'MANUAL' as const,
  earliestReleaseDate: undefined,
  phasedRelease: true,
  reviewDetails: { notes: 'Hi' },
  submit: true,
  replaceInReview: false
}

describe('submit-to-app-store executor', () => {
  it('creates the version, updates the primary localization Apple made, and submits', async () => {
    const plan = decide(
      wanted,
      {
        versions: [
          {
            id: 'v1',
            versionString: '1.0',
            platform: 'IOS',
            state: 'READY_FOR_DISTRIBUTION',
            localizations: []
          }
        ],
        primaryLocale: 'en-US'
      },
      [
        {
          id: 'b42',
          buildNumber: '42',
          version: '2.0',
          processingState: 'VALID',
          expired: false,
          usesNonExemptEncryption: null
        }
      ],
      []
    )
    const { port, calls } = memoryPort()
    const applied = await applyPlan(port, 'app', 'IOS', plan, wanted, quiet)
    expect(applied.versionId).toBe('v2')
    expect(calls.slice(0, 3)).toEqual([
      'compliance b42 false',
      'create 2.0 build=b42',
      'localizations v2'
    ])
    expect(calls.slice(3, 7).sort()).toEqual(
      [
        'create localization de-DE',
        'create phased release',
        'create review detail',
        'update localization primary whatsNew'
      ].sort()
    )
    expect(calls.slice(7)).toEqual([
      'create submission',
      'add item s1 v2',
      'set submission s1 {"submitted":true}'
    ])
    expect(applied.submission?.state).toBe('WAITING_FOR_REVIEW')
  })

  it('waits for review, printing each poll, until approved', async () => {
    const { port } = memoryPort({
      states: ['WAITING_FOR_REVIEW', 'IN_REVIEW', 'PENDING_DEVELOPER_RELEASE']
    })
    const clock = fakeClock()
    const lines: string[] = []
    const v = await waitForReview(port, 'app', 'v2', {
      timeoutMs: 3_600_000,
      pollIntervalMs: 60_000,
      clock,
      log: { ...quiet, info: (l) => lines.push(l) }
    })
    expect(v.state).toBe('PENDING_DEVELOPER_RELEASE')
    expect(clock.slept).toEqual([60_000, 60_000])
    expect(lines[1]).toBe('Waiting for App Review: IN_REVIEW; 1m elapsed, 59m left.')
  })

  it('fails on rejection with the Resolution Center link, and on timeout', async () => {
    const rejected = memoryPort({ states: ['REJECTED'] })
    await expect(
      waitForReview(rejected.port, '123', 'v2', {
        timeoutMs: 1000,
        pollIntervalMs: 100,
        clock: fakeClock(),
        log: quiet
      })
    ).rejects.toThrow(
      new OperationFailedError(
        "App Review did not approve 2.0: it is REJECTED. Read Apple's reasons in the Resolution Center (https://appstoreconnect.apple.com/apps/123/distribution/reviewsubmissions), fix them and run the step again."
      )
    )
    const slow = memoryPort({ states: Array(20).fill('WAITING_FOR_REVIEW') })
    await expect(
      waitForReview(slow.port, '123', 'v2', {
        timeoutMs: 1000,
        pollIntervalMs: 300,
        clock: fakeClock(),
        log: quiet
      })
    ).rejects.toBeInstanceOf(TimeoutError)
  })

  it('cancels a submission and waits until the cancel completed', async () => {
    const { port, calls } = memoryPort({ submissionStates: ['CANCELING', 'COMPLETE'] })
    await cancelSubmission(
      port,
      { id: 's1', state: 'WAITING_FOR_REVIEW' },
      { timeoutMs: 10_000, pollIntervalMs: 500, clock: fakeClock(), log: quiet }
    )
    expect(calls).toEqual([
      'set submission s1 {"canceled":true}',
      'get submission',
      'get submission'
    ])
  })
})
