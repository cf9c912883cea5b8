// What changed between two versions of Apple's document: operations, parameters, enum values,
// schemas and their attributes (every member path, e.g. `Build.attributes.expired`).
import type { Answer } from '../format.js'
import type { ExplorerModel, ModelSchema } from '../model.js'

export interface Changes {
  added: string[]
  removed: string[]
}

export interface ModelDiff {
  from: string
  to: string
  operations: Changes
  parameters: Changes
  enumValues: Changes
  schemas: Changes
  attributes: Changes
}

function changes(before: Iterable<string>, after: Iterable<string>): Changes {
  const a = new Set(before)
  const b = new Set(after)
  return {
    added: [...b].filter((x) => !a.has(x)).sort(),
    removed: [...a].filter((x) => !b.has(x)).sort()
  }
}

interface Facts {
  operations: Set<string>
  /** `GET /v1/builds filter[expired]` */
  parameters: Set<string>
  /** `GET /v1/builds filter[platform] = IOS`, `Build.attributes.processingState = VALID` */
  enumValues: Set<string>
  /** `Build.attributes.expired` for every schema present in both */
  members: Map<string, Set<string>>
}

function members(model: ExplorerModel, s: ModelSchema, prefix: string, out: Set<string>, values: Set<string>, depth = 0): void {
  if (depth > 6) return
  if (s.e !== undefined) for (const v of model.enums[s.e] ?? []) values.add(`${prefix} = ${v}`)
  if (s.rel) return
  for (const [k, v] of Object.entries(s.p ?? {})) {
    const path = `${prefix}.${k}`
    out.add(path)
    members(model, v, path, out, values, depth + 1)
  }
  if (s.i) members(model, s.i, `${prefix}[]`, out, values, depth + 1)
}

function facts(model: ExplorerModel): Facts {
  const f: Facts = { operations: new Set(), parameters: new Set(), enumValues: new Set(), members: new Map() }
  for (const op of model.operations) {
    const key = `${op.m} ${op.p}`
    f.operations.add(key)
    for (const p of op.q ?? []) {
      f.parameters.add(`${key} ${p.n}`)
      for (const v of p.e !== undefined ? (model.enums[p.e] ?? []) : []) f.enumValues.add(`${key} ${p.n} = ${v}`)
    }
  }
  for (const [name, schema] of Object.entries(model.schemas)) {
    const set = new Set<string>()
    members(model, schema, name, set, f.enumValues)
    f.members.set(name, set)
  }
  return f
}

export function diffModels(before: ExplorerModel, after: ExplorerModel): ModelDiff {
  const a = facts(before)
  const b = facts(after)
  const inBoth = [...a.members.keys()].filter((k) => b.members.has(k))
  const opsInBoth = (key: string) => {
    const op = key.split(' ').slice(0, 2).join(' ')
    return a.operations.has(op) && b.operations.has(op)
  }
  const schemaInBoth = (key: string) => a.members.has(key.split(/[.[ ]/)[0]) && b.members.has(key.split(/[.[ ]/)[0])
  const params = changes(a.parameters, b.parameters)
  const values = changes(a.enumValues, b.enumValues)
  const keepValue = (v: string) => (v.startsWith('/') || /^[A-Z]+ \//.test(v) ? opsInBoth(v) : schemaInBoth(v))
  return {
    from: before.version,
    to: after.version,
    operations: changes(a.operations, b.operations),
    // parameters and values of operations and schemas that exist in both versions: the rest is
    // said by the operation or schema being added or removed
    parameters: { added: params.added.filter(opsInBoth), removed: params.removed.filter(opsInBoth) },
    enumValues: { added: values.added.filter(keepValue), removed: values.removed.filter(keepValue) },
    schemas: changes(a.members.keys(), b.members.keys()),
    attributes: changes(
      inBoth.flatMap((k) => [...a.members.get(k)!]),
      inBoth.flatMap((k) => [...b.members.get(k)!])
    )
  }
}

const SECTIONS: Array<[keyof Omit<ModelDiff, 'from' | 'to'>, string]> = [
  ['operations', 'Operations'],
  ['parameters', 'Parameters'],
  ['enumValues', 'Enum values'],
  ['schemas', 'Schemas'],
  ['attributes', 'Attributes']
]

export function diffAnswer(before: ExplorerModel, after: ExplorerModel, from: string, to: string): Answer {
  const d = diffModels(before, after)
  const lines = [`App Store Connect API ${d.from} (${from}) → ${d.to} (${to})`]
  let any = false
  for (const [key, title] of SECTIONS) {
    for (const [kind, sign] of [['added', '+'], ['removed', '-']] as const) {
      const list = d[key][kind]
      if (!list.length) continue
      any = true
      lines.push(`${title} ${kind} (${list.length}):`, ...list.map((x) => `  ${sign} ${x}`))
    }
  }
  if (!any) lines.push('No differences in operations, parameters, enum values, schemas or attributes.')
  return { text: lines.join('\n'), json: d }
}
