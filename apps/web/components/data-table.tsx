import type { ReactNode } from 'react'
import styles from './components.module.css'

export interface Column<Row> {
  header: string
  cell: (row: Row) => ReactNode
  align?: 'left' | 'right'
  /** Keep the cell on one line (codes, numbers, dates). */
  nowrap?: boolean
}

export function DataTable<Row>({
  rows,
  columns,
  rowKey,
  empty,
  fetching,
  id,
}: {
  rows: Row[] | undefined
  columns: Column<Row>[]
  rowKey: (row: Row) => string
  empty: string
  fetching?: boolean
  id?: string
}) {
  return (
    <div className={styles.tableWrap}>
      <table className={styles.table} data-table={id}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} style={{ textAlign: c.align ?? 'left' }}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows?.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.header} style={{ textAlign: c.align ?? 'left', whiteSpace: c.nowrap ? 'nowrap' : undefined }}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
          {rows && rows.length === 0 && (
            <tr>
              <td colSpan={columns.length} className={styles.emptyCell}>
                {empty}
              </td>
            </tr>
          )}
          {!rows && (
            <tr>
              <td colSpan={columns.length} className={styles.emptyCell}>
                {fetching ? 'Loading…' : '—'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  )
}

export function Badge({ children, tone = 'neutral' }: { children: ReactNode; tone?: 'neutral' | 'good' | 'warn' | 'bad' | 'info' }) {
  return <span className={`${styles.badge} ${styles[`badge-${tone}`]}`}>{children}</span>
}
