import { context } from '@actions/github'

/** The part of the workflow run's context the notes come from (`github.context` by default). */
export interface EventContext {
  eventName: string
  payload: {
    head_commit?: { message?: string } | null
    pull_request?: { title?: string; body?: string | null; number?: number }
    release?: { name?: string | null; tag_name?: string; body?: string | null }
  }
}

/**
 * What to Test from the event that started the workflow, as fastlane users get it from
 * `changelog_from_git_commits`: the head commit's message on a push, the pull request's title and
 * description on a pull request, the release's notes on a release. Undefined for other events.
 */
export function notesFromEvent(event: EventContext): string | undefined {
  const { payload } = event
  const text = (...parts: Array<string | null | undefined>) =>
    parts
      .map((p) => p?.trim())
      .filter(Boolean)
      .join('\n\n') || undefined
  if (payload.pull_request) return text(payload.pull_request.title, payload.pull_request.body)
  if (payload.release)
    return text(payload.release.name ?? payload.release.tag_name, payload.release.body)
  return text(payload.head_commit?.message)
}

/** The event of this workflow run, read by @actions/github from GITHUB_EVENT_PATH. */
export const workflowEvent = (): EventContext => context
