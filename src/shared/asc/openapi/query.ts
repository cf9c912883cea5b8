// Validation of a request's query parameters against its operation in the index.
import { briefList, closest } from '../../text.js'
import { describeOperation, type IndexedOperation, type IndexedParam, type OperationIndex } from './index-types.js'

export interface QueryProblem {
  parameter: string
  message: string
  kind: 'unknown' | 'enum' | 'integer' | 'boolean' | 'number' | 'max' | 'min' | 'required' | 'empty'
}


/** Problems with the query parameters of a request, each naming its parameter. */
export function validateQueryDetailed(
  index: OperationIndex,
  op: IndexedOperation,
  query: Record<string, string>
): QueryProblem[] {
  const problems: QueryProblem[] = []
  const params = op.q ?? []
  const byName = new Map(params.map((p) => [p.n, p]))
  const where = describeOperation(op)
  const paged = op.m === 'GET' && byName.has('limit')
  for (const [name, raw] of Object.entries(query)) {
    const p = byName.get(name)
    // Apple's `links.next` adds `cursor`, which the document does not list
    if (!p && name === 'cursor' && paged) continue
    if (!p) {
      const names = params.map((x) => x.n)
      const guess = closest(name, names)
      problems.push({
        parameter: name,
        kind: 'unknown',
        message: names.length
          ? `'${name}' is not a parameter of ${where}${guess ? ` (did you mean '${guess}'?)` : ''}; allowed: ${briefList(names)}`
          : `'${name}' is not a parameter of ${where}, which takes no query parameters`
      })
      continue
    }
    const value = String(raw)
    if (p.t === 'list') {
      const items = value.split(',').map((s) => s.trim())
      if (value.trim() === '' || items.some((s) => s === '')) {
        problems.push({
          parameter: name,
          kind: 'empty',
          message: `'${name}' has an empty value${value.trim() === '' ? '' : ` in '${value}'`}`
        })
        continue
      }
      for (const item of items) {
        const problem = checkScalar(index, p, p.i ?? 'string', item)
        if (problem) problems.push(problem)
      }
    } else {
      if (value === '' && p.t !== 'string') {
        problems.push({ parameter: name, kind: 'empty', message: `'${name}' has an empty value` })
        continue
      }
      const problem = checkScalar(index, p, p.t, value)
      if (problem) problems.push(problem)
    }
  }
  for (const p of params) {
    if (p.r && !(p.n in query)) {
      const allowed = p.e !== undefined ? `; one of: ${briefList(index.enums[p.e] ?? [])}` : ''
      problems.push({
        parameter: p.n,
        kind: 'required',
        message: `'${p.n}' is required by ${where}${allowed}`
      })
    }
  }
  return problems
}

function checkScalar(
  index: OperationIndex,
  p: IndexedParam,
  type: string,
  value: string
): QueryProblem | undefined {
  const name = p.n
  if (type === 'integer') {
    if (!/^-?\d+$/.test(value)) {
      return {
        parameter: name,
        kind: 'integer',
        message: `'${name}' must be an integer, not '${value}'`
      }
    }
    const n = Number(value)
    if (p.max !== undefined && n > p.max) {
      return { parameter: name, kind: 'max', message: `'${name}' is ${n}; the maximum is ${p.max}` }
    }
    if ((name === 'limit' || name.startsWith('limit[')) && n < 1) {
      return { parameter: name, kind: 'min', message: `'${name}' is ${n}; the minimum is 1` }
    }
    return undefined
  }
  if (type === 'number') {
    if (value.trim() === '' || !Number.isFinite(Number(value))) {
      return {
        parameter: name,
        kind: 'number',
        message: `'${name}' must be a number, not '${value}'`
      }
    }
    if (p.max !== undefined && Number(value) > p.max) {
      return {
        parameter: name,
        kind: 'max',
        message: `'${name}' is ${value}; the maximum is ${p.max}`
      }
    }
    return undefined
  }
  if (type === 'boolean') {
    if (value !== 'true' && value !== 'false') {
      return {
        parameter: name,
        kind: 'boolean',
        message: `'${name}' must be true or false, not '${value}'`
      }
    }
    return undefined
  }
  if (p.e !== undefined) {
    const allowed = index.enums[p.e] ?? []
    if (!allowed.includes(value)) {
      const guess = closest(value, allowed)
      return {
        parameter: name,
        kind: 'enum',
        message: `'${value}' is not a valid value of '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}; allowed: ${briefList(allowed)}`
      }
    }
  }
  return undefined
}

/**
 * Problems with the query parameters of a request (`cursor` is accepted on paged GETs: Apple's
 * `links.next` carries it though the document does not list it): unknown parameter, value not in the enum (lists
 * are comma-separated), not an integer, over the maximum, required parameter missing.
 */
export function validateQuery(
  index: OperationIndex,
  op: IndexedOperation,
  query: Record<string, string>
): string[] {
  return validateQueryDetailed(index, op, query).map((p) => p.message)
}
