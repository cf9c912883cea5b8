// Ranked search over the document's structure (Apple's document has almost no prose): paths,
// operation IDs, tags, parameter names and descriptions, body attributes, schema and property
// names, enum values.
import { ExplorerError } from '../errors.js'
import { byText, columns, type Answer } from '../format.js'
import type { ExplorerModel, ModelOperation, ModelSchema } from '../model.js'
import { resolve } from '../types.js'

/** `betaGroups` → beta, groups; `filter[processingState]` → filter, processing, state. */
const wordCache = new Map<string, string[]>()
export function words(text: string): string[] {
  let cached = wordCache.get(text)
  if (!cached) {
    cached = splitWords(text)
    wordCache.set(text, cached)
  }
  return cached
}

function splitWords(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
}

/** `testers` → tester, `categories` → category, `matches` → match. */
function singular(w: string): string {
  if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`
  if (/(ss|x|ch|sh)es$/.test(w)) return w.slice(0, -2)
  if (w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1)
  return w
}

/**
 * How well a query word matches a word of the document: 1 the same (singular or plural), 0.9 a
 * short ending added (`expire` → `expired`), 0.6 a longer prefix or the same stem (`invite`,
 * `invitations`), 0.5 the document's word a prefix.
 */
function matches(query: string, word: string): number {
  if (query === word || singular(query) === singular(word)) return 1
  if (query.length >= 3 && word.startsWith(query)) return word.length - query.length <= 2 ? 0.9 : 0.6
  if (query.length >= 4 && word.length >= 4 && query.startsWith(word)) return 0.5
  // the same stem with other endings: `invite` and `invitations`
  let common = 0
  while (common < query.length && query[common] === word[common]) common++
  return common >= 5 && common >= 0.8 * Math.min(query.length, word.length) ? 0.6 : 0
}

type Fields = Array<[weight: number, words: string[]]>

function bodyWords(model: ExplorerModel, s: ModelSchema, depth = 0, out = new Set<string>()): Set<string> {
  const r = resolve(model, s)
  if (depth > 4) return out
  for (const [k, v] of Object.entries(r.p ?? {})) {
    if (!['data', 'attributes', 'relationships', 'type', 'id', 'links', 'meta'].includes(k)) words(k).forEach((w) => out.add(w))
    bodyWords(model, v, depth + 1, out)
  }
  if (r.i) bodyWords(model, r.i, depth + 1, out)
  return out
}

/** Names of a schema's members, its attributes' and (for a request) its data's attributes'. */
function memberWords(schema: ModelSchema): string[] {
  const names = [
    ...Object.keys(schema.p ?? {}),
    ...Object.keys(schema.p?.attributes?.p ?? {}),
    ...Object.keys(schema.p?.data?.p?.attributes?.p ?? {})
  ]
  return names.flatMap(words)
}

/** Words of enums, descriptions and body schemas, computed once per model and id. */
class Vocabulary {
  private readonly enums = new Map<number, string[]>()
  private readonly texts = new Map<number, string[]>()
  private readonly bodies = new Map<string, string[]>()
  constructor(readonly model: ExplorerModel) {}

  enumWords(e: number): string[] {
    let w = this.enums.get(e)
    if (!w) this.enums.set(e, (w = [...new Set((this.model.enums[e] ?? []).flatMap(words))]))
    return w
  }

  textWords(d: number): string[] {
    let w = this.texts.get(d)
    if (!w) this.texts.set(d, (w = words(this.model.texts[d] ?? '')))
    return w
  }

  bodyWords(name: string): string[] {
    let w = this.bodies.get(name)
    if (!w) this.bodies.set(name, (w = [...bodyWords(this.model, { ref: name })]))
    return w
  }
}

function operationFields(v: Vocabulary, op: ModelOperation): Fields {
  const segments = op.p.split('/').filter((s) => s && !s.startsWith('{') && !/^v\d+$/.test(s))
  const fields: Fields = [
    [4, words(segments[0] ?? '')],
    [3, words(segments.slice(1).join(' '))],
    [2, words(op.id)],
    [2, words(op.g.join(' '))]
  ]
  for (const p of op.q ?? []) {
    fields.push([1, words(p.n)])
    if (p.d !== undefined) fields.push([0.5, v.textWords(p.d)])
    if (p.e !== undefined) fields.push([0.5, v.enumWords(p.e)])
  }
  if (op.b && op.b !== 'object') fields.push([2, v.bodyWords(op.b)])
  return fields
}

/**
 * The best `matches` of one query word within a list of document words, remembered per list: the
 * lists (a parameter's enum values, a description, a body's attributes) are shared by many
 * operations, so each is read once per query word.
 */
function matcher(query: string): (list: string[]) => number {
  const memo = new Map<string[], number>()
  const byWord = new Map<string, number>()
  return (list) => {
    let best = memo.get(list)
    if (best === undefined) {
      best = 0
      for (const w of list) {
        let m = byWord.get(w)
        if (m === undefined) byWord.set(w, (m = matches(query, w)))
        if (m > best) best = m
      }
      memo.set(list, best)
    }
    return best
  }
}

function score(
  query: Array<(list: string[]) => number>,
  fields: Fields
): { score: number; matched: number } {
  let total = 0
  let matched = 0
  for (const match of query) {
    let best = 0
    for (const [weight, list] of fields) best = Math.max(best, weight * match(list))
    if (best > 0) matched++
    total += best
  }
  return { score: total, matched }
}

/** Verbs that say which method is meant: `invite user` is a POST, `expire build` a PATCH. */
const VERBS: Record<string, string> = {
  create: 'POST',
  add: 'POST',
  invite: 'POST',
  upload: 'POST',
  submit: 'POST',
  update: 'PATCH',
  edit: 'PATCH',
  change: 'PATCH',
  expire: 'PATCH',
  rename: 'PATCH',
  delete: 'DELETE',
  remove: 'DELETE',
  revoke: 'DELETE',
  list: 'GET',
  get: 'GET',
  find: 'GET',
  show: 'GET'
}

export interface SearchHit {
  kind: 'operation' | 'schema'
  name: string
  score: number
  id?: string
}

/** Operations then schemas, best first; an operation matching every word outranks one that does not. */
export function searchModel(model: ExplorerModel, text: string, limit = 10): SearchHit[] {
  const queryWords = words(text)
  if (!queryWords.length)
    throw new ExplorerError('search needs words, e.g. search beta group testers', 2)
  const query = queryWords.map(matcher)
  const methods = new Set(queryWords.map((w) => VERBS[w]).filter(Boolean))
  const need = query.length
  const rank = (s: { score: number; matched: number }, length: number) =>
    (s.matched === need ? 100 : s.matched * 10) + s.score - length * 0.05
  const vocabulary = new Vocabulary(model)
  const ops = model.operations
    .map((op) => {
      const s = score(query, operationFields(vocabulary, op))
      const length = op.p.split('/').length + (op.p.includes('/relationships/') ? 2 : 0) + (op.m === 'GET' ? 0 : 0.5)
      return { op, s, rank: rank(s, length) + (methods.has(op.m) ? 1 : 0) }
    })
    .filter((x) => x.s.matched > 0)
    .sort((a, b) => b.rank - a.rank || byText(a.op.p, b.op.p))
    .slice(0, limit)
  const schemas = Object.entries(model.schemas)
    .map(([name, schema]) => {
      const fields: Fields = [
        [3, words(name)],
        [1, memberWords(schema)],
        [0.5, schema.e !== undefined ? vocabulary.enumWords(schema.e) : []]
      ]
      const s = score(query, fields)
      return { name, s, rank: rank(s, words(name).length) }
    })
    .filter((x) => x.s.matched > 0)
    .sort((a, b) => b.rank - a.rank || byText(a.name, b.name))
    .slice(0, Math.max(3, Math.ceil(limit / 2)))
  return [
    ...ops.map((x) => ({ kind: 'operation' as const, name: `${x.op.m} ${x.op.p}`, id: x.op.id, score: round(x.rank) })),
    ...schemas.map((x) => ({ kind: 'schema' as const, name: x.name, score: round(x.rank) }))
  ]
}

const round = (n: number) => Math.round(n * 100) / 100

export function search(model: ExplorerModel, text: string, limit?: number): Answer {
  const hits = searchModel(model, text, limit)
  const ops = hits.filter((h) => h.kind === 'operation')
  const schemas = hits.filter((h) => h.kind === 'schema')
  const lines = [`Search "${text}" in App Store Connect API ${model.version}`]
  lines.push(ops.length ? 'Operations:' : 'Operations: none match')
  if (ops.length) lines.push(columns(ops.map((h) => [h.name, h.id ?? '']), '  '))
  if (schemas.length) lines.push('Schemas:', columns(schemas.map((h) => [h.name]), '  '))
  return { text: lines.join('\n'), json: hits }
}
