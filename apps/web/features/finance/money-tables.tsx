'use client'

import type { ReactNode } from 'react'
import { Badge, DataTable } from '@/components/data-table'
import { CsvButton, type CsvColumn } from '@/components/csv-button'
import { Panel } from '@/components/panel'
import { formatCount, formatDate, formatMoney, humanize } from '@/lib/format'
import type { AdjustmentRow, InventoryRow, MoneyByKey, SupplierCommitment } from './finance.graphql'
import styles from './finance.module.css'

const money = (value: string) => formatMoney(value)

/** A panel holding one money table and its CSV export (the CSV has the table's rows with plain numbers). */
function MoneyPanel<Row>(p: {
  id: string
  title: string
  explain: ReactNode
  rows: Row[] | undefined
  csv: CsvColumn<Row>[]
  fileName: string
  controls?: ReactNode
  wide?: boolean
  children: ReactNode
}) {
  return (
    <Panel
      id={p.id}
      title={p.title}
      explain={p.explain}
      wide={p.wide}
      actions={
        <div className={styles.panelActions}>
          {p.controls}
          <CsvButton id={p.id} fileName={p.fileName} columns={p.csv} rows={p.rows} />
        </div>
      }
    >
      {p.children}
    </Panel>
  )
}

const bucketColumns = (label: string, pick: (r: InventoryRow) => { units: number; value: string }) => ({
  header: label,
  cell: (r: InventoryRow) => (
    <span title={`${formatCount(pick(r).units)} units`}>
      {money(pick(r).value)}
      <br />
      <span className={styles.units}>{formatCount(pick(r).units)} u</span>
    </span>
  ),
  align: 'right' as const,
  nowrap: true,
})

export function InventoryValueTable(p: { rows?: InventoryRow[]; total?: InventoryRow; fetching: boolean; grouping: ReactNode; fileName: string; groupLabel: string }) {
  const rows = p.rows && p.total ? [...p.rows, p.total] : undefined
  const csv: CsvColumn<InventoryRow>[] = [
    { header: p.groupLabel, value: (r) => r.key },
    { header: 'Name', value: (r) => r.label },
    { header: 'Positions', value: (r) => r.positions },
    ...(['onHand', 'sellable', 'damaged', 'qualityControl', 'inTransit', 'incoming'] as const).flatMap((b) => [
      { header: `${b} units`, value: (r: InventoryRow) => r[b].units },
      { header: `${b} value`, value: (r: InventoryRow) => r[b].value },
    ]),
  ]
  return (
    <MoneyPanel
      id="inventory-value"
      wide
      title="Inventory value"
      explain="Units in each bucket now, at each SKU’s unit cost. On hand = sellable + damaged + quality control; in transit and incoming are not on hand yet."
      rows={rows}
      csv={csv}
      fileName={p.fileName}
      controls={p.grouping}
    >
      <DataTable
        id="inventory-value"
        rows={rows}
        fetching={p.fetching}
        rowKey={(r) => r.key}
        empty="No stock positions."
        columns={[
          { header: p.groupLabel, cell: (r) => (r.key === 'TOTAL' ? <strong>Total</strong> : (<><strong>{r.key}</strong>{r.label !== r.key && <><br /><span className={styles.units}>{r.label}</span></>}</>)) },
          bucketColumns('On hand', (r) => r.onHand),
          bucketColumns('Sellable', (r) => r.sellable),
          bucketColumns('Damaged', (r) => r.damaged),
          bucketColumns('Quality control', (r) => r.qualityControl),
          bucketColumns('In transit', (r) => r.inTransit),
          bucketColumns('Incoming', (r) => r.incoming),
        ]}
      />
    </MoneyPanel>
  )
}

export function AdjustmentTable({ rows, fetching, fileName }: { rows?: AdjustmentRow[]; fetching: boolean; fileName: string }) {
  return (
    <MoneyPanel
      id="adjustment-value"
      wide
      title="Adjustments and write-offs by reason"
      explain="Adjustments that took effect in the period, at the cost when each was requested. Removals under a write-off reason are written off."
      rows={rows}
      fileName={fileName}
      csv={[
        { header: 'Reason', value: (r) => r.reason },
        { header: 'Bucket', value: (r) => r.bucket },
        { header: 'Adjustments', value: (r) => r.adjustments },
        { header: 'Units added', value: (r) => r.unitsAdded },
        { header: 'Units removed', value: (r) => r.unitsRemoved },
        { header: 'Value added', value: (r) => r.valueAdded },
        { header: 'Value removed', value: (r) => r.valueRemoved },
        { header: 'Net value', value: (r) => r.netValue },
        { header: 'Write-off', value: (r) => (r.writeOff ? 'yes' : 'no') },
      ]}
    >
      <DataTable
        id="adjustment-value"
        rows={rows}
        fetching={fetching}
        rowKey={(r) => `${r.reason}:${r.bucket}`}
        empty="No adjustments took effect in this period."
        columns={[
          { header: 'Reason', cell: (r) => (<>{humanize(r.reason)} {r.writeOff && Number(r.valueRemoved) > 0 && <Badge tone="bad">write-off</Badge>}</>), nowrap: true },
          { header: 'Bucket', cell: (r) => humanize(r.bucket), nowrap: true },
          { header: 'Count', cell: (r) => formatCount(r.adjustments), align: 'right' },
          { header: 'Units ±', cell: (r) => `+${formatCount(r.unitsAdded)} / −${formatCount(r.unitsRemoved)}`, align: 'right', nowrap: true },
          { header: 'Value added', cell: (r) => money(r.valueAdded), align: 'right', nowrap: true },
          { header: 'Value removed', cell: (r) => money(r.valueRemoved), align: 'right', nowrap: true },
          { header: 'Net', cell: (r) => <span className={Number(r.netValue) < 0 ? styles.negative : ''}>{money(r.netValue)}</span>, align: 'right', nowrap: true },
        ]}
      />
    </MoneyPanel>
  )
}

/** Refunds or cancellations in the period, by channel or by reason. */
export function MoneyByTable(p: { id: string; title: string; explain: ReactNode; rows?: MoneyByKey[]; fetching: boolean; keyHeader: string; countHeader: string; empty: string; fileName: string }) {
  return (
    <MoneyPanel
      id={p.id}
      title={p.title}
      explain={p.explain}
      rows={p.rows}
      fileName={p.fileName}
      csv={[
        { header: p.keyHeader, value: (r) => r.key },
        { header: 'Name', value: (r) => r.label },
        { header: p.countHeader, value: (r) => r.count },
        { header: 'Amount', value: (r) => r.amount },
      ]}
    >
      <DataTable
        id={p.id}
        rows={p.rows}
        fetching={p.fetching}
        rowKey={(r) => r.key}
        empty={p.empty}
        columns={[
          { header: p.keyHeader, cell: (r) => (r.label !== r.key ? (<><strong>{r.key}</strong><br /><span className={styles.units}>{r.label}</span></>) : r.label) },
          { header: p.countHeader, cell: (r) => formatCount(r.count), align: 'right' },
          { header: 'Amount', cell: (r) => money(r.amount), align: 'right', nowrap: true },
        ]}
      />
    </MoneyPanel>
  )
}

export function CommitmentTable({ rows, fetching, fileName }: { rows?: SupplierCommitment[]; fetching: boolean; fileName: string }) {
  return (
    <MoneyPanel
      id="purchase-commitments"
      wide
      title="Open purchase commitments"
      explain="Approved or sent purchase orders not yet received in full: the units still to arrive at each line’s cost."
      rows={rows}
      fileName={fileName}
      csv={[
        { header: 'Supplier', value: (r) => r.supplierCode },
        { header: 'Name', value: (r) => r.supplierName },
        { header: 'Open POs', value: (r) => r.openPurchaseOrders },
        { header: 'Late POs', value: (r) => r.latePurchaseOrders },
        { header: 'Open units', value: (r) => r.openUnits },
        { header: 'Value', value: (r) => r.value },
        { header: 'Late value', value: (r) => r.lateValue },
        { header: 'Next expected', value: (r) => r.nextExpectedAt ?? '' },
      ]}
    >
      <DataTable
        id="purchase-commitments"
        rows={rows}
        fetching={fetching}
        rowKey={(r) => r.supplierCode}
        empty="No open purchase orders."
        columns={[
          { header: 'Supplier', cell: (r) => (<><strong>{r.supplierCode}</strong><br /><span className={styles.units}>{r.supplierName}</span></>) },
          { header: 'Open POs', cell: (r) => formatCount(r.openPurchaseOrders), align: 'right' },
          { header: 'Late', cell: (r) => (r.latePurchaseOrders > 0 ? <Badge tone="bad">{formatCount(r.latePurchaseOrders)}</Badge> : '—'), align: 'right' },
          { header: 'Units', cell: (r) => formatCount(r.openUnits), align: 'right' },
          { header: 'Value', cell: (r) => money(r.value), align: 'right', nowrap: true },
          { header: 'Next due', cell: (r) => (r.nextExpectedAt ? formatDate(r.nextExpectedAt) : '—'), nowrap: true },
        ]}
      />
    </MoneyPanel>
  )
}
