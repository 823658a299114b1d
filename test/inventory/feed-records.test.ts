import { describe, expect, it } from 'vitest'
import { parse } from 'csv-parse/sync'
import { FEED_CSV_OPTIONS, feedRecords } from '@ops-hub/domain'
import { seededRandom } from '../helpers/seeded-random.ts'

// The feed reader splits plain lines by hand and hands anything else to csv-parse: it must read every file exactly as
// csv-parse alone would (records and the line numbers that user errors quote), however the file arrives in chunks.
function file(rnd: () => number): string {
  const pick = <T,>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]
  const eol = rnd() < 0.5 ? '\n' : '\r\n'
  const pad = () => pick(['', '', ' ', '  ', '\t'])
  const lines = [pick(['sku,quantity', 'SKU , Quantity,bin', 'sku,quantity,bin,lot', 'item,qty'])]
  const n = Math.floor(rnd() * 40)
  const plainOnly = rnd() < 0.5
  for (let i = 0; i < n; i++) {
    const r = rnd()
    if (r < 0.75 || plainOnly) lines.push(`${pad()}SKU-${i}${pad()},${pad()}${pick([String(i), '-2', 'abc', '', '1.5'])}${pad()}${pick(['', ',A-1', ',,L7', ','])}`)
    else if (r < 0.82) lines.push('')
    else if (r < 0.87) lines.push(pick(['   ', '\t', ' , ']))
    else if (r < 0.94) lines.push(`"SKU,${i}",${pad()}"${i}"`)
    else lines.push(`ÄB-${i},${i}`)
    if (plainOnly && rnd() < 0.1) lines.push('')
  }
  return (rnd() < 0.2 ? '\ufeff' : '') + lines.join(eol) + (rnd() < 0.7 ? eol : '')
}

async function viaFeedRecords(text: string, rnd: () => number) {
  const bytes = Buffer.from(text, 'utf8')
  const chunks: Buffer[] = []
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(rnd() * 24)
    chunks.push(bytes.subarray(at, at + size))
    at += size
  }
  const out: Array<[string[], number]> = []
  for await (const { record, line } of feedRecords((async function* () { yield* chunks })())) out.push([record, line])
  return out
}

describe('feed file reader', () => {
  it('reads 500 random files, chunked at random byte boundaries, exactly as csv-parse does', async () => {
    const rnd = seededRandom(20261127)
    for (let i = 0; i < 500; i++) {
      const text = file(rnd)
      const expected = (parse(text, { ...FEED_CSV_OPTIONS, info: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>).map(
        (r) => [r.record, r.info.lines],
      )
      expect(await viaFeedRecords(text, rnd), JSON.stringify(text)).toEqual(expected)
    }
  })
})
