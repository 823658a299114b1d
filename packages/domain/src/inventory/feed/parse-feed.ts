import { Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { CsvError, parse } from 'csv-parse'

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

export interface FeedRecord {
  record: string[]
  /** Line of the file the record ends on (1 = header). */
  line: number
}

/**
 * The records of a feed file with their line numbers, exactly as csv-parse with FEED_CSV_OPTIONS reads them (files
 * mixing LF and CRLF endings aside, where csv-parse's own line count drifts).
 */
export async function* feedRecords(input: AsyncIterable<string | Uint8Array>): AsyncGenerator<FeedRecord> {
  for await (const batch of feedRecordBatches(input)) yield* batch
}

/** `feedRecords` a batch at a time (the lines of one piece of input): one await per batch, not per record. */
export async function* feedRecordBatches(input: AsyncIterable<string | Uint8Array>): AsyncGenerator<FeedRecord[]> {
  let batch: FeedRecord[] = []
  const sink: FeedLineSink = {
    plainLine(data, start, end, line) {
      batch.push({ record: splitPlain(data.toString('latin1', start, end)), line })
      return true
    },
    record(record, line) {
      batch.push({ record, line })
      return true
    },
  }
  for await (const _ of readFeedLines(input, sink)) {
    if (batch.length === 0) continue
    yield batch
    batch = []
  }
}

/** Where a feed file's lines go; each call returns false to stop reading (a bad header). */
interface FeedLineSink {
  /**
   * A plain line that is not empty, `data[start, end)` without its line break, of `fieldCount` comma-separated fields;
   * unless there are more than MAX_FIELDS, `fields` holds the start and end of each, in pairs.
   */
  plainLine(data: Buffer, start: number, end: number, line: number, fields: Int32Array, fieldCount: number): boolean
  /** A record csv-parse read, ending on `line`. */
  record(record: string[], line: number): boolean
  /**
   * Text csv-parse cannot read as CSV from `row` on (a quote never closed, a character after a closing quote):
   * nothing after it is read. Without this, the CsvError is thrown to the reader.
   */
  malformed?(row: number, message: string): void
}

/** Input scanned between two yields at most: one huge chunk (a string source) does not pile up its output. */
const PIECE_BYTES = 64 * 1024
const EMPTY = Buffer.alloc(0)

/**
 * Reads a feed file into `sink` as csv-parse with FEED_CSV_OPTIONS would (files mixing LF and CRLF endings aside,
 * where csv-parse's own line count drifts). 3PL snapshots are plain `sku,quantity[,bin,lot]` lines, handed over as
 * bytes (no string per line: strings took most of a cold import's parse time); from the first line that is not plain
 * (a quote, non-ASCII, a whitespace-only line, a line ending other than the file's first one), csv-parse reads the
 * rest of the file, so quoting keeps its full CSV meaning. Yields after each piece of input (each record, once
 * csv-parse reads), so the caller can pass on what the sink collected.
 */
async function* readFeedLines(input: AsyncIterable<string | Uint8Array> | Iterable<string>, sink: FeedLineSink): AsyncGenerator<void> {
  const pieces = bytePieces(input)
  try {
    const lines = new PlainLineScanner(sink)
    let data: Buffer = EMPTY
    let started = false
    for (;;) {
      const next = await pieces.next()
      // Copied, with the unfinished line before it: a source may reuse its buffer once asked for the next chunk.
      if (!next.done) data = Buffer.concat([data, next.value])
      if (!started) {
        // A byte order mark may arrive split over chunks.
        if (data.length < 3 && !next.done) continue
        started = true
        if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3)
      }
      const stop = lines.scan(data, Boolean(next.done))
      yield
      if (lines.stopped) return
      if (lines.nonPlain) return yield* readRestWithCsvParse(data.subarray(stop), pieces, lines.line, sink)
      if (next.done) return
      data = data.subarray(stop)
    }
  } finally {
    // Stopped early (a bad header) or failed: let the file go.
    await pieces.return(undefined)
  }
}

/** The input as bytes, in pieces of at most PIECE_BYTES. */
async function* bytePieces(input: AsyncIterable<string | Uint8Array> | Iterable<string>): AsyncGenerator<Buffer> {
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    for (let at = 0; at < bytes.length; at += PIECE_BYTES) yield bytes.subarray(at, at + PIECE_BYTES)
  }
}

/** The rest of the file from its first line that is not plain (`head` starts it), as csv-parse reads it. */
async function* readRestWithCsvParse(head: Buffer, pieces: AsyncIterator<Buffer>, linesBefore: number, sink: FeedLineSink): AsyncGenerator<void> {
  const decoder = new StringDecoder('utf8')
  const text = async function* () {
    yield decoder.write(head)
    for (let next = await pieces.next(); !next.done; next = await pieces.next()) yield decoder.write(next.value)
    yield decoder.end()
  }
  const source = Readable.from(text())
  const parser = source.pipe(parse({ ...FEED_CSV_OPTIONS, info: true }))
  let lastLine = linesBefore
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      lastLine = linesBefore + info.lines
      if (!sink.record(record, lastLine)) return
      yield
    }
  } catch (err) {
    if (!(err instanceof CsvError) || !sink.malformed) throw err
    // csv-parse names the line it stopped on: for a quote never closed that is the end of the file, so the row
    // named is the one after the last record read, where the unclosed field starts.
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') sink.malformed(lastLine + 1, `Row ${lastLine + 1}: a quoted field starting on this row is not closed before the end of the file`)
    else {
      const row = linesBefore + Number((err as CsvError & { lines?: number }).lines ?? lastLine - linesBefore + 1)
      sink.malformed(row, CLOSING_QUOTE_ERRORS.has(err.code) ? `Row ${row}: a closing quote must be followed by a comma or the end of the line` : `Row ${row}: not readable as CSV (${err.code})`)
    }
  } finally {
    // pipe() leaves the source running when the parser stops (a bad header, a CSV error).
    source.destroy()
  }
}

const CLOSING_QUOTE_ERRORS = new Set(['CSV_INVALID_CLOSING_QUOTE', 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE'])

const LF = 10
const CR = 13
const COMMA = 44
const isBlank = (byte: number) => byte === 32 || byte === 9
/** Fields of a line whose bounds the scanner keeps: a feed has at most 4 columns, so any more make a bad row anyway. */
const MAX_FIELDS = 4

/** What a byte is to a plain line: 0 for most, so the scanning loop tests one thing per byte; NOT_PLAIN >>> 2 is 1. */
const TEXT = 0
const BLANK = 1
const SEPARATOR = 2
const NEWLINE = 3
const NOT_PLAIN = 4
const BYTE_KIND = Uint8Array.from({ length: 256 }, (_, b) =>
  b === LF ? NEWLINE : b === COMMA ? SEPARATOR : isBlank(b) ? BLANK : b > 32 && b < 127 && b !== 34 ? TEXT : NOT_PLAIN,
)

/**
 * Cuts bytes into lines while they are plain (printable ASCII or tab, no quote, not whitespace only, ending like the
 * file's first line), splits them at commas and hands them to the sink, counting lines as csv-parse does (empty
 * ones too).
 */
class PlainLineScanner {
  line = 0
  /** Stopped at a line that is not plain: the rest of the file is csv-parse's. */
  nonPlain = false
  /** The sink refused a line. */
  stopped = false
  /** Set by the file's first line break: 1 for CRLF, 0 for LF. */
  private crlf = -1
  private readonly fields = new Int32Array(2 * MAX_FIELDS)
  // What readLine found on the line it read.
  private kindsSeen = 0
  private notPlainBytes = 0
  private fieldCount = 0

  constructor(private readonly sink: FeedLineSink) {}

  /**
   * Hands over the plain lines of `data`, the last one without a line break only when `final`; returns where it
   * stopped: the start of an unfinished line, or of the first line that is not plain.
   */
  scan(data: Buffer, final: boolean): number {
    const end = data.length
    let start = 0
    while (start < end) {
      const newline = this.readLine(data, start)
      if (newline === end && !final) break
      const cr = newline < end && newline > start && data[newline - 1] === CR ? 1 : 0
      if (newline < end && this.crlf < 0) this.crlf = cr
      const bodyEnd = newline - cr
      // A CR is plain only right before the line feed, in a file whose first line ends so.
      if (this.notPlainBytes > cr || (newline < end && cr !== this.crlf) || (this.maybeBlankOnly() && isBlankOnly(data, start, bodyEnd))) {
        this.nonPlain = true
        return start
      }
      this.line++
      if (bodyEnd > start) {
        if (this.fieldCount <= MAX_FIELDS) this.fields[2 * this.fieldCount - 1] = bodyEnd
        if (!this.sink.plainLine(data, start, bodyEnd, this.line, this.fields, this.fieldCount)) {
          this.stopped = true
          return end
        }
      }
      start = newline < end ? newline + 1 : end
    }
    return start
  }

  /**
   * Reads one line's bytes from `start` up to its line feed (or the end of `data`), whose index it returns. The loop
   * keeps to plain arithmetic besides the comma store: measured 2.5x slower with an if/else chain per byte kind.
   */
  private readLine(data: Buffer, start: number): number {
    const end = data.length
    const fields = this.fields
    let kindsSeen = 0
    let notPlainBytes = 0
    let commas = 0
    let i = start
    fields[0] = start
    for (; i < end; i++) {
      const kind = BYTE_KIND[data[i]]
      if (kind !== TEXT) {
        if (kind === NEWLINE) break
        kindsSeen |= kind
        notPlainBytes += kind >>> 2
        if (kind === SEPARATOR && ++commas < MAX_FIELDS) {
          fields[2 * commas - 1] = i
          fields[2 * commas] = i + 1
        }
      }
    }
    this.kindsSeen = kindsSeen
    this.notPlainBytes = notPlainBytes
    this.fieldCount = commas + 1
    return i
  }

  /** The line read has spaces or tabs and no comma: it may hold nothing else. */
  private maybeBlankOnly(): boolean {
    return (this.kindsSeen & (BLANK | SEPARATOR)) === BLANK
  }
}

/** Spaces and tabs only, at least one: a line csv-parse reads by its own rules. */
function isBlankOnly(data: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isBlank(data[i])) return false
  return end > start
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
  const stager = new FeedStager(state, chunkRows, opts.maxErrors ?? 10_000, opts.onProgress)
  for await (const _ of readFeedLines(typeof source === 'string' ? [source] : source, stager)) {
    if (stager.rows.count >= chunkRows) yield stager.rows.take()
  }
  if (stager.headerRejected) return
  if (!stager.hasHeader) stager.rejectEmptyFile()
  if (stager.rows.count) yield stager.rows.take()
  opts.onProgress?.(state.rowsRead)
}

interface Columns {
  sku: number
  quantity: number
  bin: number
  lot: number
  width: number
}

/** Checks feed lines and writes the staging rows of the good ones, recording the bad ones in the parse state. */
class FeedStager implements FeedLineSink {
  readonly rows = new StagingRows()
  headerRejected = false
  private columns: Columns | null = null
  private seen: SkuFilter | null = null

  constructor(
    private readonly state: FeedParseState,
    private readonly chunkRows: number,
    private readonly maxErrors: number,
    private readonly onProgress: ((rowsRead: number) => void) | undefined,
  ) {}

  get hasHeader(): boolean {
    return this.columns !== null
  }

  plainLine(data: Buffer, start: number, end: number, line: number, fields: Int32Array, fieldCount: number): boolean {
    if (this.columns && this.stagePlainBytes(data, line, fields, fieldCount, this.columns)) return true
    return this.record(splitPlain(data.toString('latin1', start, end)), line, false)
  }

  /** The header, or a data row by the general rules; `quote` fields that may hold what COPY reads as CSV syntax. */
  record(record: string[], row: number, quote = true): boolean {
    if (!this.columns) return this.readHeader(record, row)
    this.countRow()
    const columns = this.columns
    if (record.length !== columns.width) {
      this.fail(row, `Row ${row}: expected ${columns.width} columns, found ${record.length}`)
      return true
    }
    if (quote && record.some(isNotText)) {
      this.fail(row, `Row ${row}: holds a NUL character or bytes that are not UTF-8 text (save the file as UTF-8)`)
      return true
    }
    const sku = record[columns.sku]
    const quantity = record[columns.quantity]
    if (!sku) this.fail(row, `Row ${row}: SKU is empty`)
    if (!WHOLE.test(quantity) || (quantity.length >= 10 && Number(quantity) > MAX_QUANTITY)) {
      this.fail(row, `Row ${row}: quantity "${quantity}" is not a whole number of 0 or more`)
      return true
    }
    if (!sku) return true
    if (this.seen?.add(sku)) this.noteRepeatedSku()
    const q = quote ? field : asIs
    this.rows.appendText(
      columns.bin < 0 && columns.lot < 0
        ? `${row},${q(sku)},${quantity},,\n`
        : `${row},${q(sku)},${quantity},${q(columns.bin >= 0 ? record[columns.bin] : undefined)},${q(columns.lot >= 0 ? record[columns.lot] : undefined)}\n`,
    )
    return true
  }

  malformed(row: number, message: string) {
    if (this.columns) this.countRow()
    else {
      // The header itself: nothing can be read.
      this.state.headerOk = false
      this.headerRejected = true
    }
    this.fail(row, message)
  }

  rejectEmptyFile() {
    this.fail(1, 'The file is empty: expected a sku,quantity header')
    this.state.headerOk = false
  }

  private readHeader(record: string[], row: number): boolean {
    const names = record.map((n) => n.trim().toLowerCase())
    const unknown = names.filter((n) => !(KNOWN as readonly string[]).includes(n))
    const dupes = names.filter((n, i) => names.indexOf(n) !== i)
    if (!names.includes('sku') || !names.includes('quantity') || unknown.length || dupes.length) {
      this.fail(row, `Header must be sku,quantity with optional bin,lot; got "${record.join(',')}"`)
      this.state.headerOk = false
      this.headerRejected = true
      return false
    }
    this.state.headerOk = true
    this.state.binOrLot = names.includes('bin') || names.includes('lot')
    this.state.maybeRepeatedSku = this.state.binOrLot
    if (!this.state.binOrLot) this.seen = new SkuFilter()
    this.columns = { sku: names.indexOf('sku'), quantity: names.indexOf('quantity'), bin: names.indexOf('bin'), lot: names.indexOf('lot'), width: names.length }
    return true
  }

  /**
   * A plain data line staged straight from its bytes (no strings: this is where a 100k-row file spends its time).
   * False, nothing done, when the line needs the general rules: a row to report, or a field to trim.
   */
  private stagePlainBytes(data: Buffer, row: number, fields: Int32Array, fieldCount: number, columns: Columns): boolean {
    if (fieldCount !== columns.width || hasEdgeBlank(data, fields, fieldCount)) return false
    const skuStart = fields[2 * columns.sku]
    const skuEnd = fields[2 * columns.sku + 1]
    if (skuStart === skuEnd || !isQuantity(data, fields[2 * columns.quantity], fields[2 * columns.quantity + 1])) return false
    this.countRow()
    if (this.seen?.addBytes(data, skuStart, skuEnd)) this.noteRepeatedSku()
    this.rows.appendPlain(row, data, fields, columns)
    return true
  }

  private countRow() {
    this.state.rowsRead++
    if (this.onProgress && this.state.rowsRead % this.chunkRows === 0) this.onProgress(this.state.rowsRead)
  }

  private noteRepeatedSku() {
    this.state.maybeRepeatedSku = true
    this.seen = null
  }

  private fail(row: number, message: string) {
    const errors = this.state.errors
    if (errors.length < this.maxErrors) errors.push({ row, message })
    else if (errors.length === this.maxErrors) errors.push({ row, message: 'Too many bad rows; later ones are not listed' })
  }
}

/**
 * A field PostgreSQL cannot store as text (NUL), or one that held bytes which are not UTF-8: the decoder turned them
 * into U+FFFD, and storing that would silently change a lot or bin code. Plain lines hold neither.
 */
const isNotText = (value: string) => value.includes('\u0000') || value.includes('\ufffd')

/** A field starts or ends with a space or tab, which the general rules trim. */
function hasEdgeBlank(data: Buffer, fields: Int32Array, fieldCount: number): boolean {
  for (let f = 0; f < fieldCount; f++) {
    const start = fields[2 * f]
    const end = fields[2 * f + 1]
    if (start < end && (isBlank(data[start]) || isBlank(data[end - 1]))) return true
  }
  return false
}

/** Digits only, at most MAX_QUANTITY (a double holds every value up to there exactly, and only grows past it). */
function isQuantity(data: Buffer, start: number, end: number): boolean {
  if (start === end) return false
  let value = 0
  for (let i = start; i < end; i++) {
    const digit = data[i] - 48
    if (digit < 0 || digit > 9) return false
    value = value * 10 + digit
  }
  return value <= MAX_QUANTITY
}

/** Staging rows written as bytes into one reused buffer, handed out as text: `SqlClient.copyFrom` takes strings. */
class StagingRows {
  count = 0
  private bytes = Buffer.allocUnsafe(256 * 1024)
  private length = 0

  appendText(row: string) {
    this.reserve(row.length * 3)
    this.length += this.bytes.write(row, this.length)
    this.count++
  }

  /** `<row>,<sku>,<quantity>,<bin>,<lot>\n` from the fields of a plain line, copied as they are. */
  appendPlain(row: number, data: Buffer, fields: Int32Array, columns: Columns) {
    // At most 10 digits, 4 commas and a line feed besides the fields.
    this.reserve(fields[2 * columns.width - 1] - fields[0] + 15)
    const out = this.bytes
    let at = writeDecimal(out, this.length, row)
    out[at++] = COMMA
    at = copyBytes(data, fields[2 * columns.sku], fields[2 * columns.sku + 1], out, at)
    out[at++] = COMMA
    at = copyBytes(data, fields[2 * columns.quantity], fields[2 * columns.quantity + 1], out, at)
    out[at++] = COMMA
    if (columns.bin >= 0) at = copyBytes(data, fields[2 * columns.bin], fields[2 * columns.bin + 1], out, at)
    out[at++] = COMMA
    if (columns.lot >= 0) at = copyBytes(data, fields[2 * columns.lot], fields[2 * columns.lot + 1], out, at)
    out[at++] = LF
    this.length = at
    this.count++
  }

  take(): string {
    const text = this.bytes.toString('utf8', 0, this.length)
    this.length = 0
    this.count = 0
    return text
  }

  private reserve(bytes: number) {
    if (this.length + bytes <= this.bytes.length) return
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + bytes))
    this.bytes.copy(grown, 0, 0, this.length)
    this.bytes = grown
  }
}

/** Writes `n` (a line number: below 2^31) in decimal at `at`; returns where it ends. */
function writeDecimal(out: Buffer, at: number, n: number): number {
  let end = at + 1
  for (let rest = n; rest >= 10; rest = (rest / 10) | 0) end++
  for (let i = end - 1; i >= at; i--, n = (n / 10) | 0) out[i] = 48 + (n % 10)
  return end
}

function copyBytes(from: Buffer, start: number, end: number, to: Buffer, at: number): number {
  for (let i = start; i < end; i++) to[at++] = from[i]
  return at
}

/**
 * A Bloom filter of SKU codes in a fixed 2 MB, so memory does not grow with the file: `add` answers true when the
 * code may have been added before. With 7 probes over 16M bits a 100k-row file without repeats is answered "no
 * repeats" except about once in 500,000 files; a false alarm only costs the importer its grouping pass.
 */
class SkuFilter {
  private readonly bits = new Int32Array(1 << 19)

  // Two 32-bit FNV-1a hashes with different offsets; probes h1 + i * h2 (Kirsch-Mitzenmacher).
  add(code: string): boolean {
    let h1 = 0x811c9dc5
    let h2 = 0x01000193 ^ code.length
    for (let i = 0; i < code.length; i++) {
      const ch = code.charCodeAt(i)
      h1 = Math.imul(h1 ^ ch, 0x01000193)
      h2 = Math.imul(h2 ^ ch, 0x5bd1e995)
    }
    return this.probe(h1, h2)
  }

  /** `add` of an ASCII code given as bytes: the same hash, so a code read from bytes meets the same code read as text. */
  addBytes(data: Buffer, start: number, end: number): boolean {
    let h1 = 0x811c9dc5
    let h2 = 0x01000193 ^ (end - start)
    for (let i = start; i < end; i++) {
      const ch = data[i]
      h1 = Math.imul(h1 ^ ch, 0x01000193)
      h2 = Math.imul(h2 ^ ch, 0x5bd1e995)
    }
    return this.probe(h1, h2)
  }

  private probe(h1: number, h2: number): boolean {
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
