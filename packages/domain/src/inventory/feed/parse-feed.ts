import { Readable } from 'node:stream'
import { parse } from 'csv-parse'

export type FeedSource = string | AsyncIterable<string | Uint8Array> | Readable

export interface FeedRowError {
  /** Row of the file as a spreadsheet shows it: the header is row 1, the first data row is row 2. */
  row: number
  message: string
}

export interface FeedParseState {
  rowsRead: number
  errors: FeedRowError[]
  headerOk: boolean
}

const KNOWN = ['sku', 'quantity', 'bin', 'lot'] as const
const MAX_QUANTITY = 2_147_483_647

/** CSV field for COPY ... (FORMAT csv): quoted text; an absent value stays unquoted-empty, i.e. NULL. */
function field(v: string | undefined): string {
  if (v === undefined || v === '') return ''
  return `"${v.replace(/"/g, '""')}"`
}

/**
 * Streams a 3PL snapshot (`sku,quantity` header, optional `bin`, `lot`) and yields staging rows for
 * `COPY feed_staging (row_no, sku, quantity, bin, lot) FROM STDIN (FORMAT csv)` in chunks of whole rows, so a
 * 100k-row file never sits in memory as objects. Rows it cannot read (wrong column count, empty SKU, a quantity
 * that is not a non-negative whole number) are collected in `state.errors` with their row number and not staged.
 */
export async function* feedStagingChunks(
  source: FeedSource,
  state: FeedParseState,
  opts: { chunkRows?: number; maxErrors?: number; onProgress?: (rowsRead: number) => void } = {},
): AsyncGenerator<string> {
  const chunkRows = opts.chunkRows ?? 5000
  const maxErrors = opts.maxErrors ?? 10_000
  const input = typeof source === 'string' ? Readable.from([source]) : source instanceof Readable ? source : Readable.from(source)
  const parser = input.pipe(parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true }))
  let columns: { sku: number; quantity: number; bin: number; lot: number; width: number } | null = null
  let buffer: string[] = []
  const fail = (row: number, message: string) => {
    if (state.errors.length < maxErrors) state.errors.push({ row, message })
    else if (state.errors.length === maxErrors) state.errors.push({ row, message: 'Too many bad rows; later ones are not listed' })
  }
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const row = info.lines
    if (!columns) {
      const names = record.map((n) => n.trim().toLowerCase())
      const unknown = names.filter((n) => !(KNOWN as readonly string[]).includes(n))
      const dupes = names.filter((n, i) => names.indexOf(n) !== i)
      if (!names.includes('sku') || !names.includes('quantity') || unknown.length || dupes.length) {
        fail(row, `Header must be sku,quantity with optional bin,lot; got "${record.join(',')}"`)
        state.headerOk = false
        parser.destroy()
        return
      }
      state.headerOk = true
      columns = { sku: names.indexOf('sku'), quantity: names.indexOf('quantity'), bin: names.indexOf('bin'), lot: names.indexOf('lot'), width: names.length }
      continue
    }
    state.rowsRead++
    if (opts.onProgress && state.rowsRead % chunkRows === 0) opts.onProgress(state.rowsRead)
    if (record.length !== columns.width) {
      fail(row, `Row ${row}: expected ${columns.width} columns, found ${record.length}`)
      continue
    }
    const sku = record[columns.sku]
    const quantity = record[columns.quantity]
    if (!sku) fail(row, `Row ${row}: SKU is empty`)
    if (!/^\d+$/.test(quantity) || Number(quantity) > MAX_QUANTITY) {
      fail(row, `Row ${row}: quantity "${quantity}" is not a whole number of 0 or more`)
      continue
    }
    if (!sku) continue
    buffer.push(`${row},${field(sku)},${quantity},${field(columns.bin >= 0 ? record[columns.bin] : undefined)},${field(columns.lot >= 0 ? record[columns.lot] : undefined)}\n`)
    if (buffer.length >= chunkRows) {
      yield buffer.join('')
      buffer = []
    }
  }
  if (!columns) {
    fail(1, 'The file is empty: expected a sku,quantity header')
    state.headerOk = false
  }
  if (buffer.length) yield buffer.join('')
  opts.onProgress?.(state.rowsRead)
}
