// Builds the compact operation index and the request-body schemas from Apple's OpenAPI document.
// Shared by scripts/generate-openapi.mjs (which commits the result) and the fake App Store Connect
// (which builds it from the document itself at start-up, so a stale generated file cannot hide a
// violation).
const METHODS = ['get', 'post', 'patch', 'put', 'delete']

/**
 * @param {any} spec Apple's OpenAPI document, parsed
 * @returns {{ index: { version: string, enums: string[][], operations: any[] }, schemas: Record<string, any> }}
 */
export function buildIndex(spec) {
  const enumTable = []
  const enumIds = new Map()
  function enumId(values) {
    const key = JSON.stringify(values)
    if (!enumIds.has(key)) {
      enumIds.set(key, enumTable.length)
      enumTable.push(values)
    }
    return enumIds.get(key)
  }

  function deref(node) {
    let n = node
    while (n && n.$ref)
      n = n.$ref
        .split('/')
        .slice(1)
        .reduce((o, k) => o[k], spec)
    return n
  }

  function param(p) {
    const schema = deref(p.schema) ?? {}
    const out = { n: p.name }
    const item = schema.type === 'array' ? (deref(schema.items) ?? {}) : schema
    out.t = schema.type === 'array' ? 'list' : (item.type ?? 'string')
    if (schema.type === 'array') out.i = item.type ?? 'string'
    if (item.enum) out.e = enumId(item.enum)
    if (schema.maximum !== undefined) out.max = schema.maximum
    if (item.maximum !== undefined && schema.type === 'array') out.max = item.maximum
    if (p.required) out.r = 1
    return out
  }

  const usedSchemas = new Set()
  function collectRefs(node) {
    if (!node || typeof node !== 'object') return
    if (node.$ref) {
      const name = node.$ref.split('/').pop()
      if (!usedSchemas.has(name)) {
        usedSchemas.add(name)
        collectRefs(spec.components.schemas[name])
      }
      return
    }
    for (const v of Object.values(node)) collectRefs(v)
  }

  const operations = []
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const op = item[method]
      if (!op) continue
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(deref)
      const entry = { m: method.toUpperCase(), p: path, id: op.operationId }
      const query = params.filter((p) => p.in === 'query').map(param)
      if (query.length) entry.q = query
      const body = op.requestBody && deref(op.requestBody)
      if (body) {
        const schema = body.content?.['application/json']?.schema
        entry.b = schema?.$ref ? schema.$ref.split('/').pop() : 'object'
        if (schema) collectRefs(schema)
      }
      const ok = Object.entries(op.responses ?? {}).find(([code]) => /^2/.test(code))
      if (ok) {
        const types = Object.keys(ok[1].content ?? {})
        if (types.length && !types.some((t) => t.includes('json'))) entry.r = types[0]
        if (!types.length) entry.r = 'none'
      }
      operations.push(entry)
    }
  }

  const schemas = {}
  for (const name of [...usedSchemas].sort()) schemas[name] = strip(spec.components.schemas[name])
  // Drops annotations, but never a property that happens to be named like one (`description` of
  // appStoreVersionLocalizations is a field, not an annotation).
  function strip(node, isProperties = false) {
    if (Array.isArray(node)) return node.map((n) => strip(n))
    if (!node || typeof node !== 'object') return node
    const out = {}
    for (const [k, v] of Object.entries(node)) {
      if (!isProperties && ['description', 'title', 'example', 'deprecated'].includes(k)) continue
      out[k] = strip(v, !isProperties && k === 'properties')
    }
    return out
  }

  return { index: { version: spec.info.version, enums: enumTable, operations }, schemas }
}
