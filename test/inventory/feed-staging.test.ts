import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { parse } from 'csv-parse/sync'
import { FEED_CSV_OPTIONS } from '@ops-hub/domain'
import { feedStagingChunks, type FeedParseState } from '@ops-hub/domain/inventory/feed/parse-feed'
import { seededRandom } from '../helpers/seeded-random.ts'

// The staging parser reads plain lines byte by byte and hands the rest of a file to csv-parse: for any file, in any
// chunking, the rows COPY stages and the parse state it reports must be what the rules below say about the records
// csv-parse reads. Files keep one line ending throughout (csv-parse's own line count drifts on mixed ones).

type StagedRow = [row: number, sku: string, quantity: number, bin: string | null, lot: string | null]

const HEADERS = [
  'sku,quantity', 'sku,quantity', 'SKU , Quantity,bin', 'sku,quantity,bin,lot', 'quantity,sku', 'lot,sku,bin,quantity', 'sku,quantity,lot',
  'item,qty', 'sku,sku,quantity', '"sku",quantity',
]

function file(rnd: () => number): string {
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]
  const eol = rnd() < 0.5 ? '\n' : '\r\n'
  const pad = () => (rnd() < 0.8 ? '' : pick([' ', '  ', '\t']))
  const header = pick(HEADERS)
  const names = header.toLowerCase().replace(/"/g, '').split(',').map((n) => n.trim())
  const sku = (i: number) =>
    rnd() < 0.02 ? pick([`N\u0000${i}`, `R\ufffd${i}`]) : rnd() < 0.2 ? `SKU-${Math.floor(rnd() * 5)}` : pick([`SKU-${i}`, `sku ${i}`, `A\\${i}`, `#${i}!`, `x\ty${i}`])
  const value = (name: string, i: number) =>
    name === 'sku'
      ? pick([sku(i), sku(i), sku(i), ''])
      : name === 'quantity'
        ? pick([String(i), '0', '007', '2147483647', '2147483648', '0000000000001', '99999999999', '-2', 'abc', '', '1.5'])
        : pick(['', 'A-1', 'B 2', `L${i}`])
  const plainLine = (i: number) => {
    const width = names.length + (rnd() < 0.05 ? pick([-1, 1]) : 0)
    return Array.from({ length: Math.max(width, 1) }, (_, c) => `${pad()}${value(names[c] ?? 'bin', i)}${pad()}`).join(',')
  }
  const lines = [...(rnd() < 0.1 ? [''] : []), header]
  const n = Math.floor(rnd() * 40)
  const plainOnly = rnd() < 0.4
  for (let i = 0; i < n; i++) {
    const r = rnd()
    if (r < 0.8 || plainOnly) lines.push(plainLine(i))
    else if (r < 0.85) lines.push('')
    else if (r < 0.88) lines.push(pick(['   ', '\t', ' , ']))
    else if (r < 0.94) lines.push(`"${sku(i)}",${pad()}"${i}"${names.length > 2 ? ',"A,1"' : ''}${names.length > 3 ? ',"say ""x"""' : ''}`)
    else lines.push(`ÄB-${i},${i}${',Ü'.repeat(names.length - 2)}`)
    if (plainOnly && rnd() < 0.05) lines.push('')
  }
  return (rnd() < 0.2 ? '\ufeff' : '') + lines.join(eol) + (rnd() < 0.7 ? eol : '')
}

/** The rules, applied to the records csv-parse reads. */
function reference(text: string, chunkRows: number) {
  const records = parse(text, { ...FEED_CSV_OPTIONS, info: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>
  const state: FeedParseState = { rowsRead: 0, errors: [], headerOk: false }
  const rows: StagedRow[] = []
  const progress: number[] = []
  if (records.length === 0) {
    state.errors.push({ row: 1, message: 'The file is empty: expected a sku,quantity header' })
    return { state, rows, progress: [0] }
  }
  const [header, ...data] = records
  const names = header.record.map((n) => n.trim().toLowerCase())
  const known = names.every((n) => ['sku', 'quantity', 'bin', 'lot'].includes(n)) && new Set(names).size === names.length
  if (!known || !names.includes('sku') || !names.includes('quantity')) {
    state.errors.push({ row: header.info.lines, message: `Header must be sku,quantity with optional bin,lot; got "${header.record.join(',')}"` })
    return { state, rows, progress }
  }
  const column = (name: string) => names.indexOf(name)
  state.headerOk = true
  state.binOrLot = names.includes('bin') || names.includes('lot')
  const skus = new Set<string>()
  let repeated = false
  for (const { record, info } of data) {
    const row = info.lines
    state.rowsRead++
    if (state.rowsRead % chunkRows === 0) progress.push(state.rowsRead)
    if (record.length !== names.length) {
      state.errors.push({ row, message: `Row ${row}: expected ${names.length} columns, found ${record.length}` })
      continue
    }
    if (record.some((f) => f.includes('\u0000') || f.includes('\ufffd'))) {
      state.errors.push({ row, message: `Row ${row}: holds a NUL character or bytes that are not UTF-8 text (save the file as UTF-8)` })
      continue
    }
    const sku = record[column('sku')]
    const quantity = record[column('quantity')]
    if (sku === '') state.errors.push({ row, message: `Row ${row}: SKU is empty` })
    if (!/^\d+$/.test(quantity) || Number(quantity) > 2_147_483_647) {
      state.errors.push({ row, message: `Row ${row}: quantity "${quantity}" is not a whole number of 0 or more` })
      continue
    }
    if (sku === '') continue
    repeated ||= skus.has(sku)
    skus.add(sku)
    const optional = (name: string) => (column(name) >= 0 && record[column(name)] !== '' ? record[column(name)] : null)
    rows.push([row, sku, Number(quantity), optional('bin'), optional('lot')])
  }
  // A Bloom filter may answer "maybe" without a repeat, but not in files this small.
  state.maybeRepeatedSku = state.binOrLot || repeated
  progress.push(state.rowsRead)
  return { state, rows, progress }
}

/** Cuts `text` into chunks at random byte boundaries (through multi-byte characters too), as a random kind of source. */
function source(text: string, rnd: () => number) {
  const kind = rnd()
  if (kind < 0.1) return text
  const bytes = Buffer.from(text, 'utf8')
  const chunks: Buffer[] = []
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(rnd() * (rnd() < 0.5 ? 8 : 200))
    chunks.push(bytes.subarray(at, at + size))
    at += size
  }
  return kind < 0.55 ? Readable.from(chunks) : (async function* () { yield* chunks })()
}

/** What COPY ... (FORMAT csv) stages from the chunks: an unquoted empty field is NULL. */
function staged(chunks: string[]): StagedRow[] {
  const records = parse(chunks.join(''), { cast: (value, context) => (value === '' && !context.quoting ? null : value) }) as Array<Array<string | null>>
  return records.map(([row, sku, quantity, bin, lot]) => [Number(row), sku as string, Number(quantity), bin, lot])
}

async function stage(input: ReturnType<typeof source>, chunkRows: number) {
  const state: FeedParseState = { rowsRead: 0, errors: [], headerOk: false }
  const chunks: string[] = []
  const progress: number[] = []
  for await (const chunk of feedStagingChunks(input, state, { chunkRows, onProgress: (n) => progress.push(n) })) {
    expect(chunk.endsWith('\n')).toBe(true)
    chunks.push(chunk)
  }
  return { state, chunks, progress }
}

describe('feed staging parser', () => {
  it('stages 600 random files, chunked at random byte boundaries, exactly as the rules say of the records csv-parse reads', async () => {
    const rnd = seededRandom(20261128)
    for (let i = 0; i < 600; i++) {
      const text = file(rnd)
      const chunkRows = 1 + Math.floor(rnd() * 8)
      const { state, chunks, progress } = await stage(source(text, rnd), chunkRows)
      expect({ state, rows: staged(chunks), progress }, JSON.stringify(text)).toEqual(reference(text, chunkRows))
    }
  })

  it('names the row where the file stops being CSV (a quote never closed, text after a closing quote), in the header too', async () => {
    const unclosed = await stage('sku,quantity\nA,1\n"B,2\nC,3\n', 5000)
    expect(unclosed.state).toMatchObject({ rowsRead: 2, headerOk: true, errors: [{ row: 3, message: 'Row 3: a quoted field starting on this row is not closed before the end of the file' }] })
    const afterQuote = await stage(Readable.from([Buffer.from('sku,quantity\r\nA,1\r\n"B" 2,2\r\nC,3\r\n')]), 5000)
    expect(afterQuote.state.errors).toEqual([{ row: 3, message: 'Row 3: a closing quote must be followed by a comma or the end of the line' }])
    const header = await stage('"sku,quantity\nA,1\n', 5000)
    expect(header.state).toEqual({ rowsRead: 0, headerOk: false, errors: [{ row: 1, message: 'Row 1: a quoted field starting on this row is not closed before the end of the file' }] })
    expect(header.chunks).toEqual([])
  })

  it('proves a 100k-row file without bins free of repeated SKUs, and sees the one repeat in another', async () => {
    const lines = (repeatAt: number) => ['sku,quantity', ...Array.from({ length: 100_000 }, (_, i) => `BF-${i === repeatAt ? 7 : i},${i % 900}`)].join('\n')
    const unique = await stage(Readable.from([Buffer.from(lines(-1))]), 5000)
    expect(unique.state).toEqual({ rowsRead: 100_000, errors: [], headerOk: true, binOrLot: false, maybeRepeatedSku: false })
    const rows = unique.chunks.join('').split('\n')
    expect(rows).toHaveLength(100_001)
    expect(rows.slice(-2)).toEqual(['100001,BF-99999,99,,', ''])
    const repeated = await stage(Readable.from([Buffer.from(lines(99_000))]), 5000)
    expect(repeated.state).toEqual({ rowsRead: 100_000, errors: [], headerOk: true, binOrLot: false, maybeRepeatedSku: true })
  })
})
