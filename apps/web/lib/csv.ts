/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a leading =+-@ is neutralised so a spreadsheet never runs it as a formula. */
function field(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value)
  if (/^[=+\-@]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** A table as CSV text: a header line, then one line per row (CRLF, as RFC 4180 says). */
export function toCsv<Row>(columns: Array<{ header: string; value: (row: Row) => unknown }>, rows: Row[]): string {
  return [columns.map((c) => field(c.header)).join(','), ...rows.map((r) => columns.map((c) => field(c.value(r))).join(','))].join('\r\n') + '\r\n'
}

/** Hands `csv` to the browser as a download named `fileName`. */
export function downloadCsv(fileName: string, csv: string) {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }))
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
