import { ExplorerError } from '../errors.js'
import { columns, type Answer } from '../format.js'
import type { ExplorerModel } from '../model.js'
import { findName, nearestNames } from '../nearest.js'
import { operationsByTag } from './resources.js'

/** The operations of one of Apple's tags (`Builds`, or `builds`, `beta-groups`). */
export function resource(model: ExplorerModel, name: string): Answer {
  if (!name) throw new ExplorerError('resource needs a name, e.g. resource Builds (see: resources)', 2)
  const tags = operationsByTag(model)
  const found = findName(name, [...tags.keys()])
  if (!found) {
    const nearest = nearestNames(name, [...tags.keys()])
    throw new ExplorerError(`'${name}' is not a resource of App Store Connect API ${model.version}`, 1, nearest)
  }
  const ops = tags.get(found) ?? []
  const json = {
    name: found,
    operations: ops.map((o) => ({ method: o.m, path: o.p, id: o.id, pages: !!o.pg, body: o.b }))
  }
  const text = [
    `${found}: ${ops.length} operation(s) (see: operation "<METHOD> <path>")`,
    columns(ops.map((o) => [o.m, o.p, o.id]), '  ')
  ].join('\n')
  return { text, json }
}
