import { Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
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
  /** The header names a bin or lot column: a SKU may then appear on several rows. */
  binOrLot?: boolean
  /**
   * Without bin and lot columns: false when no SKU can appear twice (proven by a Bloom filter, which has no false
   * negatives), so the importer may skip grouping rows per SKU; true when one may (then it groups, and finds out).
   */
  maybeRepeatedSku?: boolean
}

const KNOWN = ['sku', 'quantity', 'bin', 'lot'] as const
const MAX_QUANTITY = 2_147_483_647

/** CSV field for COPY ... (FORMAT csv): quoted text; an absent value stays unquoted-empty, i.e. NULL. */
function field(v: string | undefined): string {
  if (v === undefined || v === '') return ''
  return NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v
}
/** What COPY's CSV reader would take for something else than text: quotes, separators, line breaks, edge spaces, `\.`. */
const NEEDS_QUOTES = /[",\r\n\\]|^\s|\s$/
const asIs = (v: string | undefined) => v ?? ''
const WHOLE = /^\d+$/

/** CSV options of a feed: every reader of a feed file must see exactly what this parser sees. */
export const FEED_CSV_OPTIONS = { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true } as const

/** A line needing no CSV rules beyond splitting at commas and trimming: printable ASCII or tab, no quote, no CR. */
const PLAIN_LINE = /^[\t\x20\x21\x23-\x7e]*$/

export interface FeedRecord {
  record: string[]
  /** Line of the file the record ends on (1 = header). */
  line: number
  /** Split from a plain line: no field holds a quote, comma, line break or edge space. */
  plain?: boolean
}

/**
 * The records of a feed file with their line numbers, exactly as csv-parse with FEED_CSV_OPTIONS reads them (files
 * mixing LF and CRLF endings aside, where csv-parse's own line count drifts). 3PL snapshots are plain
 * `sku,quantity[,bin,lot]` lines, which are split by hand (csv-parse took most of the import's parse time); from the
 * first line that is not plain (a quote, non-ASCII, a whitespace-only line, a line ending other than the file's first
 * one), csv-parse reads the rest of the file, so quoting keeps its full CSV meaning.
 */
export async function* feedRecords(input: AsyncIterable<string | Uint8Array>): AsyncGenerator<FeedRecord> {
  for await (const batch of feedRecordBatches(input)) yield* batch
}

/**
 * `feedRecords` a batch at a time (the plain lines of one input chunk): a 100k-row file costs a few dozen awaits
 * instead of one per row, which took most of the parse time.
 */
export async function* feedRecordBatches(input: AsyncIterable<string | Uint8Array>): AsyncGenerator<FeedRecord[]> {
  const source = input[Symbol.asyncIterator]()
  try {
    yield* readRecords(source)
  } finally {
    // Stopped early (a bad header) or failed: let the file go.
    await source.return?.()
  }
}

async function* readRecords(source: AsyncIterator<string | Uint8Array>): AsyncGenerator<FeedRecord[]> {
  const decoder = new StringDecoder('utf8')
  const decode = (chunk: string | Uint8Array) => (typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer))
  let carry = ''
  let line = 0
  let crlf: boolean | null = null
  let started = false
  let rest = ''
  /** Appends the plain lines of `text` (the last one only when `final`) to `out`; returns false at the first line that is not plain. */
  const plainLines = (text: string, final: boolean, out: FeedRecord[]): boolean => {
    let start = 0
    for (;;) {
      const nl = text.indexOf('\n', start)
      if (nl < 0 && !(final && start < text.length)) break
      const stop = nl < 0 ? text.length : nl
      const hasCr = nl > start && text.charCodeAt(nl - 1) === 13
      if (nl >= 0 && crlf === null) crlf = hasCr
      const body = text.slice(start, nl >= 0 && hasCr ? stop - 1 : stop)
      if ((nl >= 0 && hasCr !== crlf) || !PLAIN_LINE.test(body) || (body.length > 0 && body.trim() === '')) {
        rest = text.slice(start)
        return false
      }
      line++
      if (body.length > 0) out.push({ record: splitPlain(body), line, plain: true })
      if (nl < 0) {
        start = text.length
        break
      }
      start = nl + 1
    }
    carry = text.slice(start)
    return true
  }
  for (;;) {
    const next = await source.next()
    let text = carry + (next.done ? decoder.end() : decode(next.value))
    if (!started && text.length > 0) {
      started = true
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    const batch: FeedRecord[] = []
    const plain = plainLines(text, Boolean(next.done), batch)
    if (batch.length) yield batch
    if (!plain) break
    if (next.done) return
  }
  const offset = line
  const remaining = async function* () {
    yield rest
    for (let next = await source.next(); !next.done; next = await source.next()) yield decode(next.value)
    yield decoder.end()
  }
  const parser = Readable.from(remaining()).pipe(parse({ ...FEED_CSV_OPTIONS, info: true }))
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield [{ record, line: offset + info.lines }]
  }
}

/** Splits a plain line at commas, trimming each field (spaces and tabs only: a plain line holds no other whitespace). */
function splitPlain(body: string): string[] {
  const fields = body.split(',')
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]
    const a = f.charCodeAt(0)
    const z = f.charCodeAt(f.length - 1)
    if (a === 32 || a === 9 || z === 32 || z === 9) fields[i] = f.trim()
  }
  return fields
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
  let columns: { sku: number; quantity: number; bin: number; lot: number; width: number } | null = null
  let buffer = ''
  let buffered = 0
  let seen: SkuFilter | null = null
  const fail = (row: number, message: string) => {
    if (state.errors.length < maxErrors) state.errors.push({ row, message })
    else if (state.errors.length === maxErrors) state.errors.push({ row, message: 'Too many bad rows; later ones are not listed' })
  }
  // Rows of one input chunk are checked in a plain loop: an await per row cost more than the checks themselves.
  for await (const batch of feedRecordBatches(input)) {
    for (const { record, line: row, plain } of batch) {
      if (!columns) {
        const names = record.map((n) => n.trim().toLowerCase())
        const unknown = names.filter((n) => !(KNOWN as readonly string[]).includes(n))
        const dupes = names.filter((n, i) => names.indexOf(n) !== i)
        if (!names.includes('sku') || !names.includes('quantity') || unknown.length || dupes.length) {
          fail(row, `Header must be sku,quantity with optional bin,lot; got "${record.join(',')}"`)
          state.headerOk = false
          return
        }
        state.headerOk = true
        state.binOrLot = names.includes('bin') || names.includes('lot')
        state.maybeRepeatedSku = state.binOrLot
        if (!state.binOrLot) seen = new SkuFilter()
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
      if (!WHOLE.test(quantity) || (quantity.length >= 10 && Number(quantity) > MAX_QUANTITY)) {
        fail(row, `Row ${row}: quantity "${quantity}" is not a whole number of 0 or more`)
        continue
      }
      if (!sku) continue
      if (seen && seen.add(sku)) {
        state.maybeRepeatedSku = true
        seen = null
      }
      // A plain line's fields go to COPY as they are; the rest are quoted where COPY's CSV reader needs it.
      const q = plain ? asIs : field
      buffer += columns.bin < 0 && columns.lot < 0
        ? `${row},${q(sku)},${quantity},,\n`
        : `${row},${q(sku)},${quantity},${q(columns.bin >= 0 ? record[columns.bin] : undefined)},${q(columns.lot >= 0 ? record[columns.lot] : undefined)}\n`
      if (++buffered >= chunkRows) {
        yield buffer
        buffer = ''
        buffered = 0
      }
    }
  }
  if (!columns) {
    fail(1, 'The file is empty: expected a sku,quantity header')
    state.headerOk = false
  }
  if (buffered) yield buffer
  opts.onProgress?.(state.rowsRead)
}

/**
 * A Bloom filter of SKU codes in a fixed 2 MB, so memory does not grow with the file: `add` answers true when the
 * code may have been added before. With 7 probes over 16M bits a 100k-row file without repeats is answered "no
 * repeats" except about once in 500,000 files; a false alarm only costs the importer its grouping pass.
 */
class SkuFilter {
  private readonly bits = new Int32Array(1 << 19)

  add(code: string): boolean {
    // Two 32-bit FNV-1a hashes with different offsets; probes h1 + i * h2 (Kirsch-Mitzenmacher).
    let h1 = 0x811c9dc5
    let h2 = 0x01000193 ^ code.length
    for (let i = 0; i < code.length; i++) {
      const ch = code.charCodeAt(i)
      h1 = Math.imul(h1 ^ ch, 0x01000193)
      h2 = Math.imul(h2 ^ ch, 0x5bd1e995)
    }
    h2 = Math.imul(h2 ^ (h2 >>> 15), 0x2c1b3c6d) | 1
    let present = true
    for (let i = 0; i < 7; i++) {
      const bit = (h1 + Math.imul(i, h2)) & 0xffffff
      const word = bit >>> 5
      const mask = 1 << (bit & 31)
      if ((this.bits[word] & mask) === 0) {
        present = false
        this.bits[word] |= mask
      }
    }
    return present
  }
}
