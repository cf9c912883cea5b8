import { serverText, type Logger } from '../log.js'
import { ApiError } from './errors.js'
import type { Document, Query, Resource } from './types.js'

export interface PageOptions {
  /** Default 200 (Apple's maximum for most collections); `false` sends no `limit`. */
  limit?: number | false
  maxPages?: number
}

export interface PageStats {
  /** Pages read, re-reads included. */
  pages: number
  /** False when the listing stopped before its end (see `pages()`). */
  complete: boolean
}

/** What pagination needs of the client. */
export interface PageSource {
  url(target: string, query?: Query): URL
  get<T extends Document = Document>(target: string, query?: Query): Promise<T>
}

/**
 * Every page of a collection, following `links.next` verbatim. An empty page that still links
 * onwards is read once more (Apple sometimes answers one in passing); if it stays empty the
 * listing stops there, with a warning, as it does on a URL seen before or after `maxPages`
 * pages. `complete` in the `PageStats` passed in tells the caller whether it got to the end.
 */
export async function* pages<R extends Resource = Resource>(
  source: PageSource,
  logger: Logger,
  target: string,
  query: Query,
  options: PageOptions & { maxPages: number },
  stats: PageStats
): AsyncGenerator<Document<R[]>> {
  const limit = options.limit ?? 200
  const { maxPages } = options
  let next: string | undefined = source.url(
    target,
    limit === false || query.limit !== undefined ? query : { ...query, limit }
  ).href
  const seen = new Set<string>()
  let rereads = 0
  const stop = (why: string) => {
    stats.complete = false
    logger.warning(
      `Pagination of ${serverText(target)} ${why}; stopping there, the list may be incomplete.`
    )
  }
  while (next) {
    if (seen.has(next)) return stop('returned a page it had already returned')
    const doc: Document<R[]> = await source.get<Document<R[]>>(next)
    stats.pages++
    if (!Array.isArray(doc?.data)) {
      const url = new URL(next)
      throw ApiError.unusable(
        200,
        'GET',
        `${url.pathname}${url.search ? decodeURIComponent(url.search) : ''}`,
        'the page has no `data` list, which every page of a listing carries'
      )
    }
    const link = doc.links?.next
    if (link && !(doc.data?.length > 0)) {
      if (rereads++ < 2) continue
      return stop('returned an empty page that links onwards')
    }
    seen.add(next)
    yield doc
    if (link && stats.pages >= maxPages) return stop(`reached ${maxPages} pages`)
    next = link
  }
}

/** Pages merged: `data` in order and `included`, each without duplicates. */
export async function mergePages<R extends Resource = Resource>(
  docs: AsyncIterable<Document<R[]>>,
  stats: PageStats
): Promise<{ data: R[]; included: Resource[] } & PageStats> {
  const data = new Map<string, R>()
  const included = new Map<string, Resource>()
  for await (const doc of docs) {
    for (const r of doc.data ?? []) data.set(`${r.type}/${r.id}`, r)
    for (const r of doc.included ?? []) included.set(`${r.type}/${r.id}`, r)
  }
  return { data: [...data.values()], included: [...included.values()], ...stats }
}
