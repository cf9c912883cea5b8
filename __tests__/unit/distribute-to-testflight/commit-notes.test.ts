import { describe, expect, it } from '@jest/globals'
import { generateKeyPairSync } from 'node:crypto'
import { Inputs } from '../../../src/shared/inputs.js'
import {
  notesFromEvent,
  type EventContext
} from '../../../src/distribute-to-testflight/commit-notes.js'
import { readSettings } from '../../../src/distribute-to-testflight/settings.js'

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString()

const push: EventContext = {
  eventName: 'push',
  payload: { head_commit: { message: 'Fix the login crash\n\nCloses #12' } }
}
const pr: EventContext = {
  eventName: 'pull_request',
  payload: {
    pull_request: { number: 7, title: 'New onboarding', body: 'Try signing up with Apple.' }
  }
}
const release: EventContext = {
  eventName: 'release',
  payload: { release: { tag_name: 'v2.1.0', name: null, body: 'Dark mode.' } }
}
const dispatch: EventContext = { eventName: 'workflow_dispatch', payload: {} }

describe('What to Test from the workflow run', () => {
  it.each([
    ['a push: the head commit message', push, 'Fix the login crash\n\nCloses #12'],
    ['a pull request: title and description', pr, 'New onboarding\n\nTry signing up with Apple.'],
    ['a release: its name (or tag) and notes', release, 'v2.1.0\n\nDark mode.'],
    ['a manual run: nothing', dispatch, undefined]
  ])('%s', (_name, event, notes) => {
    expect(notesFromEvent(event)).toBe(notes)
  })

  const read = (values: Record<string, string>, event: EventContext) =>
    readSettings(
      new Inputs(
        (n) =>
          ({
            'key-id': 'ABC1234567',
            'private-key': pem,
            'app-id': '1',
            'build-number': '5',
            ...values
          })[n],
        {}
      ),
      () => event
    )

  it('fills what-to-test-locale from the event when asked', () => {
    expect(
      read({ 'what-to-test-from-commit': 'true', 'what-to-test-locale': 'de-DE' }, pr).whatToTest
    ).toEqual({
      'de-DE': 'New onboarding\n\nTry signing up with Apple.'
    })
  })

  it('never overrides notes the user gave, and is off by default', () => {
    expect(
      read({ 'what-to-test-from-commit': 'true', 'what-to-test': 'Mine' }, push).whatToTest
    ).toEqual({ 'en-US': 'Mine' })
    expect(read({}, push).whatToTest).toEqual({})
  })

  it('refuses, naming the input, when the run has nothing to take notes from', () => {
    expect(() => read({ 'what-to-test-from-commit': 'true' }, dispatch)).toThrow(
      /Input 'what-to-test-from-commit': is true, but this workflow run has no commit message/
    )
  })
})
