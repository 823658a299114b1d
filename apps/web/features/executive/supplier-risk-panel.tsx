'use client'

import { Badge, DataTable } from '@/components/data-table'
import { formatCount, formatDate, formatMoney } from '@/lib/format'
import type { SupplierRisk } from './executive.graphql'
import styles from './executive.module.css'

/** Suppliers with open purchase orders, the late ones first: where inbound stock, and so availability, is at risk. */
export function SupplierRiskTable({ rows, fetching }: { rows?: SupplierRisk[]; fetching: boolean }) {
  return (
    <DataTable
      id="supplier-risk"
      rows={rows}
      fetching={fetching}
      rowKey={(r) => r.supplierCode}
      empty="No open purchase orders."
      columns={[
        { header: 'Supplier', cell: (r) => (<><strong>{r.supplierCode}</strong><br /><span className={styles.muted}>{r.supplierName}</span></>) },
        {
          header: 'Late POs',
          cell: (r) => (r.latePurchaseOrders > 0 ? <Badge tone="bad">{formatCount(r.latePurchaseOrders)} late</Badge> : <Badge tone="good">On time</Badge>),
          nowrap: true,
        },
        { header: 'Open POs', cell: (r) => formatCount(r.openPurchaseOrders), align: 'right' },
        { header: 'Most late', cell: (r) => (r.maxDaysLate > 0 ? `${r.maxDaysLate.toFixed(1)} d` : '—'), align: 'right', nowrap: true },
        { header: 'Open value', cell: (r) => formatMoney(r.value), align: 'right', nowrap: true },
        { header: 'Late value', cell: (r) => (Number(r.lateValue) > 0 ? <span className={styles.worse}>{formatMoney(r.lateValue)}</span> : '—'), align: 'right', nowrap: true },
        { header: 'Next due', cell: (r) => (r.nextExpectedAt ? formatDate(r.nextExpectedAt) : '—'), nowrap: true },
        // WIRED AFTER MERGE (engineer `procure`): the supplier scorecard (on-time and in-full rate, lead-time
        // adherence over 365 days) joins here by supplierCode. Not invented here.
      ]}
    />
  )
}
