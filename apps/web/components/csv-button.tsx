'use client'

import { downloadCsv, toCsv } from '@/lib/csv'
import styles from './components.module.css'

export interface CsvColumn<Row> {
  header: string
  value: (row: Row) => unknown
}

/** "Export CSV" for one table: the rows it shows, with plain numbers (no currency symbols or separators). */
export function CsvButton<Row>({ id, fileName, columns, rows }: { id: string; fileName: string; columns: CsvColumn<Row>[]; rows: Row[] | undefined }) {
  return (
    <button type="button" className={styles.csvButton} data-export={id} disabled={!rows} onClick={() => rows && downloadCsv(fileName, toCsv(columns, rows))}>
      Export CSV
    </button>
  )
}
