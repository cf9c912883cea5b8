import { columns, type Answer } from '../format.js'
import type { LoadedModel } from '../load.js'

/** Version and counts of operations, paths, resources and schemas. */
export function summary({ model, source }: LoadedModel): Answer {
  const byMethod: Record<string, number> = {}
  for (const op of model.operations) byMethod[op.m] = (byMethod[op.m] ?? 0) + 1
  const paths = new Set(model.operations.map((o) => o.p)).size
  const resources = new Set(model.operations.flatMap((o) => o.g)).size
  const schemas = Object.keys(model.schemas).length
  const json = {
    title: 'App Store Connect API',
    version: model.version,
    source,
    sha256: model.sha256,
    operations: model.operations.length,
    byMethod,
    paths,
    resources,
    schemas
  }
  const methods = Object.entries(byMethod)
    .map(([m, n]) => `${m} ${n}`)
    .join(', ')
  const text = [
    `App Store Connect API ${model.version} (${source === 'bundled' ? 'bundled' : source})`,
    columns([
      ['operations', `${model.operations.length} (${methods})`],
      ['paths', String(paths)],
      ['resources', `${resources} (see: resources)`],
      ['schemas', String(schemas)],
      ...(model.sha256 ? [['sha256', model.sha256]] : [])
    ], '  ')
  ].join('\n')
  return { text, json }
}
