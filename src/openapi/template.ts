// A request body template built from an operation's request schema: placeholders for values
// (`<string>`, one of an enum's values), required members marked, relationships as JSON:API linkage.
import { brief } from './format.js'
import type { ExplorerModel, ModelSchema } from './model.js'
import { enumValues, resolve } from './types.js'

export interface BodyTemplate {
  template: unknown
  /** JSON pointers of the required members */
  required: string[]
}

export function bodyTemplate(model: ExplorerModel, schemaName: string): BodyTemplate {
  const required: string[] = []
  const build = (s: ModelSchema, pointer: string, isRequired: boolean, seen: string[]): unknown => {
    if (s.ref && seen.includes(s.ref)) return `<${s.ref}>`
    const next = s.ref ? [...seen, s.ref] : seen
    const r = resolve(model, s)
    const mark = isRequired ? ', required' : ''
    if (r.rel) {
      const linkage = { type: r.rel, id: `<id${mark}>` }
      return { data: r.many ? [linkage] : linkage }
    }
    if (r.of?.length) return build(r.of[0], pointer, isRequired, next)
    const values = enumValues(model, r)
    if (r.t === 'array') return [build(r.i ?? {}, `${pointer}/0`, false, next)]
    if (values && r.t !== 'array') return values.length === 1 ? values[0] : `<one of: ${brief(values, 6)}${mark}>`
    if (r.p) {
      const out: Record<string, unknown> = {}
      for (const [key, child] of Object.entries(r.p)) {
        if (key === 'links' || key === 'meta') continue
        const req = !!r.r?.includes(key)
        if (req) required.push(`${pointer}/${key}`)
        out[key] = build(child, `${pointer}/${key}`, req, next)
      }
      return out
    }
    return `<${r.t === 'string' && r.f ? r.f : (r.t ?? 'value')}${mark}>`
  }
  const template = schemaName === 'object' ? {} : build({ ref: schemaName }, '', true, [])
  return { template, required }
}
