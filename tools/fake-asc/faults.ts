// Faults the fake injects: statuses, latency, lost answers, resets, endless empty pages,
// token revocation, and hostile answers (a reply of the test's making, or the real reply
// rewritten). Consumed in order: a request takes the first fault that matches it.
import type { Reply } from './types.js'

export type FaultKind =
  'status' | 'latency' | 'drop' | 'reset' | 'emptyPageWithNext' | 'revoke' | 'answer' | 'rewrite'

export interface FaultSpec {
  /** only requests with this method */
  method?: string
  /**
   * only requests to this path: a string is the exact path (`/v1/builds/123`) or Apple's template
   * (`/v1/builds/{id}`); a RegExp is tested on the path with its query string
   */
  path?: string | RegExp
  /** how many requests it applies to (default 1; Infinity for every one) */
  times?: number
  kind: FaultKind
  /** kind 'status': 429, 500, 502, 503, 504, … */
  status?: number
  /** kind 'status' with 429 (or any): Retry-After in seconds */
  retryAfter?: number
  /** kind 'status': error code in the document (default from the status) */
  code?: string
  /** kind 'latency': added delay */
  ms?: number
  /**
   * kind 'answer': the reply sent instead of the real one (nothing in the store changes), e.g. a
   * 200 of HTML, an empty body, `{}` to a list, or a gzip bomb with `content-encoding: gzip`
   */
  answer?: Reply
  /**
   * kind 'rewrite': the real reply (the change is made) with its JSON replaced by what this returns,
   * e.g. `links.next` pointed at another host, or server text carrying workflow commands
   */
  rewrite?: (json: unknown) => unknown
}

export interface Fault extends FaultSpec {
  times: number
  /** how many requests it has been applied to */
  hits: number
}

export class Faults {
  private readonly list: Fault[] = []

  /** Adds a fault; returns it (its `hits` tells how often it applied). */
  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, times: spec.times ?? 1, hits: 0 }
    this.list.push(fault)
    return fault
  }

  clear(): void {
    this.list.length = 0
  }

  /** Faults not yet used up. */
  pending(): Fault[] {
    return this.list.filter((f) => f.hits < f.times)
  }

  /** Finds and consumes the first fault matching a request. */
  take(
    method: string,
    path: string,
    template: string | undefined,
    pathAndQuery: string
  ): Fault | undefined {
    for (const f of this.list) {
      if (f.hits >= f.times) continue
      if (f.method && f.method.toUpperCase() !== method.toUpperCase()) continue
      if (f.path !== undefined) {
        if (typeof f.path === 'string') {
          if (f.path !== path && f.path !== template) continue
        } else {
          f.path.lastIndex = 0
          if (!f.path.test(pathAndQuery)) continue
        }
      }
      f.hits++
      return f
    }
    return undefined
  }
}
