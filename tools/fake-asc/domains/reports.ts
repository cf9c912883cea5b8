// Sales and finance reports: GET /v1/salesReports and GET /v1/financeReports answer
// `application/a-gzip` bytes, the gzip of a tab-separated report built deterministically from the
// filters (and, without filter[reportDate], from the fake's clock). Tests compute the expected bytes
// with salesReportGzip()/financeReportGzip().
// Missing required filters answer 400 PARAMETER_ERROR.REQUIRED like Apple (even with validation
// off); a date in `noDataDates` (see reportsState) answers 404 like a day without sales.
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { AscError, errorItem } from '../errors.js'
import type { Domain, FakeAscHandle, RequestContext, Reply } from '../types.js'

export interface ReportsState {
  /** report dates (as given in filter[reportDate]) for which there is no report: 404 */
  noDataDates: Set<string>
}

export function reportsState(fake: FakeAscHandle): ReportsState {
  return (fake.state.reports ??= { noDataDates: new Set<string>() }) as ReportsState
}

const SALES_REQUIRED = [
  'filter[vendorNumber]',
  'filter[reportType]',
  'filter[reportSubType]',
  'filter[frequency]'
]
const FINANCE_REQUIRED = [
  'filter[vendorNumber]',
  'filter[reportType]',
  'filter[regionCode]',
  'filter[reportDate]'
]

const SALES_COLUMNS = [
  'Provider',
  'Provider Country',
  'SKU',
  'Developer',
  'Title',
  'Version',
  'Product Type Identifier',
  'Units',
  'Developer Proceeds',
  'Begin Date',
  'End Date',
  'Customer Currency',
  'Country Code',
  'Currency of Proceeds',
  'Apple Identifier',
  'Customer Price',
  'Promo Code',
  'Parent Identifier',
  'Subscription',
  'Period',
  'Category',
  'CMB',
  'Device',
  'Supported Platforms',
  'Proceeds Reason',
  'Preserved Pricing',
  'Client',
  'Order Type'
]

const FINANCE_COLUMNS = [
  'Start Date',
  'End Date',
  'UPC',
  'ISRC/ISBN',
  'Vendor Identifier',
  'Quantity',
  'Partner Share',
  'Extended Partner Share',
  'Partner Share Currency',
  'Sales or Return',
  'Apple Identifier',
  'Artist/Show/Developer/Author',
  'Title',
  'Label/Studio/Network/Developer/Publisher',
  'Grid',
  'Product Type Identifier',
  'ISAN/Other Identifier',
  'Country Of Sale',
  'Pre-order Flag',
  'Promo Code',
  'Customer Price',
  'Customer Currency'
]

const PRODUCTS = [
  { sku: 'DEMO_APP', title: 'Demo App', appleId: '6400000001', type: '1F', price: 2.99 },
  { sku: 'DEMO_PRO', title: 'Demo Pro Upgrade', appleId: '6400000101', type: 'IA1', price: 4.99 },
  { sku: 'DEMO_SUB', title: 'Demo Monthly', appleId: '6400000201', type: 'IAY', price: 0.99 }
]
const COUNTRIES = [
  { code: 'US', currency: 'USD' },
  { code: 'GB', currency: 'GBP' },
  { code: 'DE', currency: 'EUR' }
]

function seedOf(parts: string[]): Buffer {
  return createHash('sha256').update(parts.join('\u0000')).digest()
}

function usDate(iso: string): string {
  const [y, m, d] = iso.split('-')
  return `${m}/${d ?? '01'}/${y}`
}

function defaultDate(frequency: string, now: number): string {
  const d = new Date(now - 24 * 60 * 60 * 1000).toISOString()
  if (frequency === 'MONTHLY') return d.slice(0, 7)
  if (frequency === 'YEARLY') return d.slice(0, 4)
  return d.slice(0, 10)
}

function period(frequency: string, date: string): [string, string] {
  if (frequency === 'YEARLY') return [`${date}-01-01`, `${date}-12-31`]
  if (frequency === 'MONTHLY') {
    const [y, m] = date.split('-').map(Number)
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate()
    return [`${date}-01`, `${date}-${String(last).padStart(2, '0')}`]
  }
  if (frequency === 'WEEKLY') {
    const end = new Date(`${date}T00:00:00Z`)
    const start = new Date(end.getTime() - 6 * 24 * 60 * 60 * 1000)
    return [start.toISOString().slice(0, 10), date]
  }
  return [date, date]
}

/** The TSV (before gzip) the fake answers for GET /v1/salesReports with these query parameters. */
export function salesReportTsv(query: Record<string, string>, now: number = Date.now()): string {
  const frequency = query['filter[frequency]'] ?? 'DAILY'
  const date = query['filter[reportDate]'] ?? defaultDate(frequency, now)
  const [begin, end] = period(frequency, date)
  const seed = seedOf([
    query['filter[vendorNumber]'] ?? '',
    query['filter[reportType]'] ?? '',
    query['filter[reportSubType]'] ?? '',
    frequency,
    date,
    query['filter[version]'] ?? ''
  ])
  const lines = [SALES_COLUMNS.join('\t')]
  let i = 0
  for (const p of PRODUCTS) {
    for (const c of COUNTRIES) {
      const units = (seed[i++ % seed.length] % 40) + 1
      const proceeds = (p.price * 0.7).toFixed(2)
      lines.push(
        [
          'APPLE',
          'US',
          p.sku,
          'Example Developer',
          p.title,
          '1.0',
          p.type,
          String(units),
          proceeds,
          usDate(begin),
          usDate(end),
          c.currency,
          c.code,
          c.currency,
          p.appleId,
          p.price.toFixed(2),
          '',
          p.type === '1F' ? '' : 'DEMO_APP',
          p.type === 'IAY' ? 'New' : '',
          p.type === 'IAY' ? '1 Month' : '',
          'Productivity',
          '',
          'iPhone',
          'iOS',
          '',
          '',
          '',
          ''
        ].join('\t')
      )
    }
  }
  return lines.join('\n') + '\n'
}

/** The TSV (before gzip) the fake answers for GET /v1/financeReports with these query parameters. */
export function financeReportTsv(query: Record<string, string>): string {
  const date = query['filter[reportDate]'] ?? ''
  const [begin, end] = period('MONTHLY', date)
  const region = query['filter[regionCode]'] ?? 'US'
  const seed = seedOf([
    query['filter[vendorNumber]'] ?? '',
    query['filter[reportType]'] ?? '',
    region,
    date
  ])
  const lines = [FINANCE_COLUMNS.join('\t')]
  let total = 0
  let units = 0
  PRODUCTS.forEach((p, i) => {
    const qty = (seed[i] % 90) + 10
    const share = p.price * 0.7
    total += qty * share
    units += qty
    lines.push(
      [
        usDate(begin),
        usDate(end),
        '',
        '',
        p.sku,
        String(qty),
        share.toFixed(2),
        (qty * share).toFixed(2),
        'USD',
        'S',
        p.appleId,
        'Example Developer',
        p.title,
        '',
        '',
        p.type,
        '',
        region,
        '',
        '',
        p.price.toFixed(2),
        'USD'
      ].join('\t')
    )
  })
  lines.push('')
  lines.push(`Total_Rows\t${PRODUCTS.length}`)
  lines.push(`Total_Amount\t${total.toFixed(2)}`)
  lines.push(`Total_Units\t${units}`)
  return lines.join('\n') + '\n'
}

export const salesReportGzip = (query: Record<string, string>, now?: number): Buffer =>
  gzipSync(Buffer.from(salesReportTsv(query, now), 'utf8'))
export const financeReportGzip = (query: Record<string, string>): Buffer =>
  gzipSync(Buffer.from(financeReportTsv(query), 'utf8'))

function requireFilters(ctx: RequestContext, names: string[]): void {
  const missing = names.filter((n) => !ctx.query[n])
  if (!missing.length) return
  const [first, ...rest] = missing.map((n) =>
    errorItem(400, 'PARAMETER_ERROR.REQUIRED', `The parameter '${n}' is required.`, {
      parameter: n
    })
  )
  throw new AscError(400, first.code, first.detail, { parameter: missing[0], more: rest })
}

const DATE_FORMATS: Record<string, RegExp> = {
  DAILY: /^\d{4}-\d{2}-\d{2}$/,
  WEEKLY: /^\d{4}-\d{2}-\d{2}$/,
  MONTHLY: /^\d{4}-\d{2}$/,
  YEARLY: /^\d{4}$/
}

function gz(bytes: Buffer): Reply {
  return { status: 200, body: bytes, headers: { 'content-type': 'application/a-gzip' } }
}

export const reportsDomain: Domain = {
  name: 'reports',
  setup(fake) {
    reportsState(fake)
  },
  routes: [
    {
      method: 'GET',
      path: '/v1/salesReports',
      handle(ctx) {
        requireFilters(ctx, SALES_REQUIRED)
        if (!/^\d+$/.test(ctx.query['filter[vendorNumber]'])) {
          throw new AscError(400, 'PARAMETER_ERROR.INVALID', 'The vendor number is not valid.', {
            parameter: 'filter[vendorNumber]'
          })
        }
        const frequency = ctx.query['filter[frequency]']
        const date = ctx.query['filter[reportDate]']
        if (date !== undefined && DATE_FORMATS[frequency] && !DATE_FORMATS[frequency].test(date)) {
          throw new AscError(
            400,
            'PARAMETER_ERROR.INVALID',
            `'${date}' is not a valid report date for frequency ${frequency}.`,
            { parameter: 'filter[reportDate]' }
          )
        }
        if (date !== undefined && reportsState(ctx.fake).noDataDates.has(date)) {
          throw new AscError(404, 'NOT_FOUND', 'There were no sales for the date specified.')
        }
        return gz(salesReportGzip(ctx.query, ctx.now))
      }
    },
    {
      method: 'GET',
      path: '/v1/financeReports',
      handle(ctx) {
        requireFilters(ctx, FINANCE_REQUIRED)
        const date = ctx.query['filter[reportDate]']
        if (!/^\d{4}-\d{2}$/.test(date)) {
          throw new AscError(
            400,
            'PARAMETER_ERROR.INVALID',
            `'${date}' is not a valid fiscal month (YYYY-MM).`,
            {
              parameter: 'filter[reportDate]'
            }
          )
        }
        if (reportsState(ctx.fake).noDataDates.has(date)) {
          throw new AscError(404, 'NOT_FOUND', 'There is no finance report for the date specified.')
        }
        return gz(financeReportGzip(ctx.query))
      }
    }
  ]
}
