import {
  findOperation,
  matchOperation,
  parseOperationText,
  suggestOperations
} from '#shared/asc/openapi/validate.js'
import { ExplorerError } from '../errors.js'
import { columns, brief, type Answer } from '../format.js'
import type { ExplorerModel, ModelOperation } from '../model.js'
import { bodyTemplate } from '../template.js'

/** `GET /v1/builds/{id}`, a concrete `GET /v1/builds/123`, or an operation ID. */
export function findModelOperation(model: ExplorerModel, text: string): ModelOperation {
  const raw = text.trim()
  if (!raw) throw new ExplorerError('operation needs "<METHOD> <path>", e.g. operation "GET /v1/apps"', 2)
  const byId = model.operations.find((o) => o.id === raw)
  if (byId) return byId
  const { method, path } = parseOperationText(raw)
  const clean = path.split('?')[0].replace(/\/+$/, '') || '/'
  if (method) {
    const op = findOperation(model, method, clean) ?? matchOperation(model, method, clean)?.op
    if (op) return op as ModelOperation
  }
  const nearest = suggestOperations(model, `${method ?? 'GET'} ${clean}`, 5)
  throw new ExplorerError(
    method
      ? `'${method} ${clean}' is not an operation of App Store Connect API ${model.version}`
      : `'${raw}' names no method: write it as "GET /v1/apps" (or give an operation ID)`,
    method ? 1 : 2,
    nearest
  )
}

/** Parameters (types, enums, limits, required), paging, response and a body template. */
export function operation(model: ExplorerModel, text: string): Answer {
  const op = findModelOperation(model, text)
  const pathParameters = [...op.p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])
  const query = (op.q ?? []).map((p) => ({
    name: p.n,
    type: p.t === 'list' ? `${p.i ?? 'string'}[]` : p.t,
    required: !!p.r,
    ...(p.e !== undefined ? { enum: model.enums[p.e] } : {}),
    ...(p.max !== undefined ? { maximum: p.max } : {}),
    ...(p.d !== undefined ? { description: model.texts[p.d] } : {})
  }))
  const body = op.b ? { schema: op.b, ...bodyTemplate(model, op.b) } : undefined
  const json = {
    method: op.m,
    path: op.p,
    id: op.id,
    resources: op.g,
    pathParameters,
    query,
    pages: !!op.pg,
    response: op.s ?? op.r,
    body
  }
  const lines = [`${op.m} ${op.p}  (${op.id}; resource ${op.g.join(', ') || '—'})`]
  if (pathParameters.length) lines.push(`Path parameters: ${pathParameters.join(', ')} (required)`)
  if (query.length) {
    lines.push('Query parameters:')
    lines.push(
      columns(
        query.map((q) => [
          q.name,
          q.type,
          q.required ? 'required' : '',
          [q.maximum !== undefined ? `max ${q.maximum}` : '', q.enum ? brief(q.enum, 12) : '']
            .filter(Boolean)
            .join('; ')
        ]),
        '  '
      )
    )
  } else lines.push('Query parameters: none')
  lines.push(`Pages: ${op.pg ? 'yes (limit up to ' + (op.q?.find((p) => p.n === 'limit')?.max ?? '?') + ', follow links.next)' : 'no'}`)
  lines.push(`Response: ${json.response ?? '—'}`)
  if (body) {
    lines.push(`Body: ${body.schema}${body.required.length ? ` (required: ${body.required.join(', ')})` : ''}`)
    lines.push(JSON.stringify(body.template, null, 2))
  } else lines.push('Body: none')
  return { text: lines.join('\n'), json }
}
