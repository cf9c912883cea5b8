// Every request the fake answers is checked against Apple's OpenAPI document first, as the real
// API would refuse it: unknown paths and methods, repeated, unknown or bad query parameters, and
// bodies that do not match the request schema. Each problem is also recorded as a violation.
import { matchPath } from '../../src/shared/asc/openapi/paths.js'
import { validateQueryDetailed } from '../../src/shared/asc/openapi/query.js'
import { validateBodyDetailed } from '../../src/shared/asc/openapi/body.js'
import { AscError, errorItem, type AscErrorItem } from './errors.js'
import { bodyCode } from './http.js'
import type { Model } from './model.js'
import type { RequestContext } from './types.js'

export function validateRequest(
  model: Model,
  ctx: RequestContext,
  violation: (message: string) => void
): void {
  const { index, schemas } = model
  const pm = matchPath(index, ctx.path)
  if (!pm) {
    violation('no such path in the OpenAPI document')
    throw new AscError(404, 'PATH_ERROR', `The URL path is not valid: ${ctx.path}`)
  }
  const op = pm.operations[ctx.method]
  if (!op) {
    violation(`${pm.template} allows ${Object.keys(pm.operations).join(', ')}, not ${ctx.method}`)
    throw new AscError(
      405,
      'METHOD_NOT_ALLOWED',
      `The request method is not valid for the resource path: ${ctx.method} ${pm.template} does not exist.`
    )
  }
  const errors: AscErrorItem[] = []
  let status = 0
  for (const [name, values] of Object.entries(ctx.queryAll)) {
    if (values.length > 1) {
      violation(`query parameter '${name}' is repeated; join values with commas`)
      errors.push(
        errorItem(400, 'PARAMETER_ERROR.INVALID', `'${name}' is given ${values.length} times.`, {
          parameter: name
        })
      )
      status = 400
    }
  }
  for (const p of validateQueryDetailed(index, op, ctx.query)) {
    violation(p.message)
    const code =
      p.kind === 'unknown'
        ? 'PARAMETER_ERROR.ILLEGAL'
        : p.kind === 'required'
          ? 'PARAMETER_ERROR.REQUIRED'
          : 'PARAMETER_ERROR.INVALID'
    errors.push(errorItem(400, code, p.message, { parameter: p.parameter }))
    status = 400
  }
  if (!status) {
    const body = ctx.rawBody.length ? ctx.body : undefined
    for (const p of validateBodyDetailed(schemas, op, body)) {
      violation(p.message)
      const s = p.kind === 'missing-body' || p.kind === 'unexpected-body' ? 400 : 409
      status = status === 400 || s === 400 ? 400 : 409
      errors.push(errorItem(s, bodyCode(p), p.message, p.pointer ? { pointer: p.pointer } : {}))
    }
  }
  if (errors.length) {
    const e = new AscError(status, errors[0].code, errors[0].detail)
    e.errors.splice(0, e.errors.length, ...errors)
    throw e
  }
}
