// Which operation of Apple's document a concrete path (and method) belongs to.
import type { IndexedOperation, OperationIndex, OperationMatch, PathMatch } from './index-types.js'

export interface CompiledTemplate {
  template: string
  /** literal segment, or null for a `{param}` */
  segs: (string | null)[]
  names: string[]
  ops: Record<string, IndexedOperation>
}


const compiled = new WeakMap<OperationIndex, Map<number, CompiledTemplate[]>>()
/** The index's path templates by segment count, compiled once per index. */
export function compile(index: OperationIndex): Map<number, CompiledTemplate[]> {
  let byLength = compiled.get(index)
  if (byLength) return byLength
  byLength = new Map()
  const byTemplate = new Map<string, CompiledTemplate>()
  for (const op of index.operations) {
    let t = byTemplate.get(op.p)
    if (!t) {
      const parts = splitPath(op.p)
      const names: string[] = []
      const segs = parts.map((s) => {
        const m = /^\{(.+)\}$/.exec(s)
        if (m) {
          names.push(m[1])
          return null
        }
        return s
      })
      t = { template: op.p, segs, names, ops: {} }
      byTemplate.set(op.p, t)
      const list = byLength.get(segs.length) ?? []
      list.push(t)
      byLength.set(segs.length, list)
    }
    t.ops[op.m.toUpperCase()] = op
  }
  compiled.set(index, byLength)
  return byLength
}

/** The segments of a path (or of an absolute URL's path), query and fragment dropped. */
export function splitPath(path: string): string[] {
  let p = path
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) {
    try {
      p = new URL(p).pathname
    } catch {
      /* keep as is */
    }
  }
  const q = p.search(/[?#]/)
  if (q >= 0) p = p.slice(0, q)
  return p.split('/').filter((s) => s !== '')
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/**
 * Finds the path template a concrete path belongs to, whatever the method. A literal segment wins
 * over a `{param}` at the same position (compared left to right).
 */
export function matchPath(index: OperationIndex, path: string): PathMatch | undefined {
  const parts = splitPath(path)
  const candidates = compile(index).get(parts.length) ?? []
  let best: CompiledTemplate | undefined
  for (const t of candidates) {
    let ok = true
    for (let i = 0; i < parts.length; i++) {
      const s = t.segs[i]
      if (s !== null && s !== parts[i]) {
        ok = false
        break
      }
    }
    if (!ok) continue
    if (!best || morePrecise(t, best)) best = t
  }
  if (!best) return undefined
  const pathParams: Record<string, string> = {}
  let k = 0
  best.segs.forEach((s, i) => {
    if (s === null) pathParams[best!.names[k++]] = safeDecode(parts[i])
  })
  return { template: best.template, pathParams, operations: best.ops }
}

function morePrecise(a: CompiledTemplate, b: CompiledTemplate): boolean {
  for (let i = 0; i < a.segs.length; i++) {
    const al = a.segs[i] !== null
    const bl = b.segs[i] !== null
    if (al !== bl) return al
  }
  return false
}

/** The operation for a method and a concrete path (`/v1/apps/123/builds`), with its path parameters. */
export function matchOperation(
  index: OperationIndex,
  method: string,
  path: string
): OperationMatch | undefined {
  const m = matchPath(index, path)
  if (!m) return undefined
  const op = m.operations[method.toUpperCase()]
  if (!op) return undefined
  return { op, pathParams: m.pathParams }
}

/** The operation with exactly this template (`GET`, `/v1/apps/{id}`). */
export function findOperation(
  index: OperationIndex,
  method: string,
  template: string
): IndexedOperation | undefined {
  const parts = splitPath(template)
  const t = (compile(index).get(parts.length) ?? []).find((c) => c.template === template)
  return t?.ops[method.toUpperCase()]
}

