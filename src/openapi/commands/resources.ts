import { byText, columns, type Answer } from '../format.js'
import type { ExplorerModel, ModelOperation } from '../model.js'

/** Operations by Apple's tag (the resource categories), tags sorted by name. */
export function operationsByTag(model: ExplorerModel): Map<string, ModelOperation[]> {
  const tags = new Map<string, ModelOperation[]>()
  for (const op of model.operations)
    for (const tag of op.g.length ? op.g : ['(untagged)']) {
      const list = tags.get(tag) ?? []
      list.push(op)
      tags.set(tag, list)
    }
  return new Map([...tags].sort(([a], [b]) => byText(a, b)))
}

/** Apple's tags with their operation counts. */
export function resources(model: ExplorerModel): Answer {
  const tags = [...operationsByTag(model)].map(([name, ops]) => ({ name, operations: ops.length }))
  const text = [
    `${tags.length} resources in App Store Connect API ${model.version} (operations each; see: resource <name>)`,
    columns(tags.map((t) => [t.name, String(t.operations)]), '  ')
  ].join('\n')
  return { text, json: tags }
}
