import { ExplorerError } from '../errors.js'
import { brief, columns, type Answer } from '../format.js'
import type { ExplorerModel, ModelSchema } from '../model.js'
import { findName, nearestNames } from '../nearest.js'
import { enumValues, resolve, typeName } from '../types.js'

export interface Field {
  name: string
  type: string
  required: boolean
  nullable: boolean
  enum?: string[]
}

export interface Relationship {
  name: string
  type: string
  many: boolean
  required: boolean
}

function field(model: ExplorerModel, name: string, s: ModelSchema, required: string[] = []): Field {
  const values = enumValues(model, s)
  return {
    name,
    type: typeName(model, s),
    required: required.includes(name),
    nullable: !!(s.n || resolve(model, s).n),
    ...(values ? { enum: values } : {})
  }
}

/**
 * A schema as a JSON:API reader sees it: for a resource or a request, the resource type, its
 * attributes and relationships (a request's live under `data`); any other members as properties.
 */
export function describeSchema(model: ExplorerModel, name: string) {
  const schema = model.schemas[name]
  const data = schema.p?.data
  const host = data && !data.ref && data.p ? data : schema
  const typeEnum = host.p?.type ? enumValues(model, host.p.type) : undefined
  const attributesNode = host.p?.attributes ? resolve(model, host.p.attributes) : undefined
  const relationshipsNode = host.p?.relationships ? resolve(model, host.p.relationships) : undefined
  const attributes = Object.entries(attributesNode?.p ?? {}).map(([k, v]) => field(model, k, v, attributesNode?.r))
  const relationships: Relationship[] = Object.entries(relationshipsNode?.p ?? {})
    .filter(([, v]) => v.rel)
    .map(([k, v]) => ({ name: k, type: v.rel!, many: !!v.many, required: !!relationshipsNode?.r?.includes(k) }))
  const skip = host === schema ? ['attributes', 'relationships'] : []
  const properties = Object.entries(schema.p ?? {})
    .filter(([k]) => !skip.includes(k))
    .map(([k, v]) => field(model, k, v, schema.r))
  const hostProperties =
    host === schema
      ? []
      : Object.entries(host.p ?? {})
          .filter(([k]) => !['attributes', 'relationships'].includes(k))
          .map(([k, v]) => ({ ...field(model, k, v, host.r), name: `data.${k}` }))
  return {
    name,
    kind: schema.e !== undefined ? 'enum' : (schema.t ?? (schema.of ? 'oneOf' : 'object')),
    ...(typeEnum?.length === 1 ? { resourceType: typeEnum[0] } : {}),
    ...(schema.e !== undefined ? { values: model.enums[schema.e] } : {}),
    ...(schema.of ? { oneOf: schema.of.map((s) => typeName(model, s)) } : {}),
    properties: [...properties.filter((p) => p.name !== 'data' || host === schema), ...hostProperties],
    attributes,
    relationships
  }
}

function fieldRows(fields: Field[]): string[][] {
  return fields.map((f) => [
    f.name + (f.required ? ' *' : ''),
    f.type + (f.nullable ? ' (nullable)' : ''),
    f.enum ? brief(f.enum, 10) : ''
  ])
}

/** Attributes (types, enums, nullable, required), relationships and other members of a schema. */
export function schema(model: ExplorerModel, name: string): Answer {
  if (!name) throw new ExplorerError('schema needs a name, e.g. schema Build', 2)
  const found = findName(name, Object.keys(model.schemas))
  if (!found) {
    const nearest = nearestNames(name, Object.keys(model.schemas))
    throw new ExplorerError(`'${name}' is not a schema of App Store Connect API ${model.version}`, 1, nearest)
  }
  const d = describeSchema(model, found)
  const lines = [`${d.name}: ${d.kind}${d.resourceType ? `, resource type '${d.resourceType}'` : ''}  (* required)`]
  if (d.values) lines.push(`Values: ${d.values.join(', ')}`)
  if (d.oneOf) lines.push(`One of: ${d.oneOf.join(', ')}`)
  const props = d.properties.filter((p) => !(d.attributes.length && p.name === 'data.attributes'))
  if (props.length) lines.push('Properties:', columns(fieldRows(props), '  '))
  if (d.attributes.length) lines.push('Attributes:', columns(fieldRows(d.attributes), '  '))
  if (d.relationships.length)
    lines.push(
      'Relationships:',
      columns(d.relationships.map((r) => [r.name + (r.required ? ' *' : ''), `→ ${r.type}`, r.many ? 'to-many' : 'to-one']), '  ')
    )
  return { text: lines.join('\n'), json: d }
}
