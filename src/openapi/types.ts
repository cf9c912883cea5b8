// Reading the model's schemas: references, readable type names, enum values.
import type { ExplorerModel, ModelSchema } from './model.js'

/** Follows `ref`s to the schema itself (an unknown name resolves to an empty schema). */
export function resolve(model: ExplorerModel, schema: ModelSchema): ModelSchema {
  let s = schema
  for (let guard = 0; s.ref && guard < 16; guard++) s = model.schemas[s.ref] ?? {}
  return s
}

/** `string`, `string(date-time)`, `BuildAudienceType`, `Territory[]`, `→ apps[]`, `A | B`. */
export function typeName(model: ExplorerModel, s: ModelSchema): string {
  if (s.ref) return s.ref
  if (s.rel) return `→ ${s.rel}${s.many ? '[]' : ''}`
  if (s.t === 'array') return `${s.i ? typeName(model, s.i) : 'any'}[]`
  if (s.of) return s.of.map((x) => typeName(model, x)).join(' | ')
  const base = s.t ?? 'any'
  return s.f ? `${base}(${s.f})` : base
}

/** The allowed values of a schema (through a reference to an enum schema), if it has any. */
export function enumValues(model: ExplorerModel, s: ModelSchema): string[] | undefined {
  const r = resolve(model, s.t === 'array' && s.i ? s.i : s)
  return r.e !== undefined ? model.enums[r.e] : undefined
}
