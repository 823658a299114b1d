'use client'

import { useMemo, useState } from 'react'
import { useQuery } from 'urql'
import { MetricCard } from '@/components/metric-card'
import { PanelGrid } from '@/components/panel'
import { DateRangePicker } from '@/components/date-range-picker'
import { formatCount, formatMoney } from '@/lib/format'
import { lastDays, rangeInstants, useDayRange } from '@/lib/date-range'
import { ViewGate } from '@/features/shell/view-gate'
import { AsOfBar, useRefresh } from '@/features/shell/as-of'
import { FINANCE_QUERY, INVENTORY_GROUPINGS, financeVariables, type FinanceResult, type InventoryGrouping } from './finance.graphql'
import { AdjustmentTable, CommitmentTable, InventoryValueTable, MoneyByTable } from './money-tables'
import styles from './finance.module.css'

const GROUPING_LABEL: Record<InventoryGrouping, string> = { NODE: 'Node', ABC_CLASS: 'ABC class', CATEGORY: 'Category' }

export function FinanceView() {
  return (
    <ViewGate slug="finance">
      <FinanceFigures />
    </ViewGate>
  )
}

function FinanceFigures() {
  const [range, setRange] = useDayRange(() => lastDays(30))
  const [grouping, setGrouping] = useState<InventoryGrouping>('NODE')
  const variables = useMemo(() => financeVariables(rangeInstants(range), grouping), [range, grouping])
  const [result, reexecute] = useQuery<FinanceResult>({ query: FINANCE_QUERY, variables })
  const { asOf, refresh } = useRefresh([reexecute])
  const d = result.data
  const common = { fetching: result.fetching, error: result.error, format: (v: number) => formatMoney(v) }
  const period = `${range.start}_${range.end}`
  const file = (name: string) => `${name}_${period}.csv`

  return (
    <>
      <AsOfBar asOf={asOf} refresh={refresh} />
      <div className={styles.toolbar}>
        <DateRangePicker id="finance" value={range} onChange={setRange} />
        <p>Stock value and commitments are as of now; adjustments, refunds and cancellations are those of the period. Each table exports as CSV.</p>
      </div>
      {result.error && <p className={styles.error}>{result.error.message}</p>}
      <div className={styles.cards}>
        <MetricCard
          id="inventory-value"
          label="Inventory on hand"
          value={d ? Number(d.inventoryValue.total.onHand.value) : undefined}
          {...common}
          explain="Every unit at every node (sellable, damaged and in quality control) at its SKU's unit cost, now."
          footnote={d && <>+ {formatMoney(d.inventoryValue.total.inTransit.value)} in transit, {formatMoney(d.inventoryValue.total.incoming.value)} incoming</>}
        />
        <MetricCard
          id="written-off"
          label="Written off"
          value={d ? Number(d.adjustmentValue.writtenOff) : undefined}
          {...common}
          tone={d && Number(d.adjustmentValue.writtenOff) > 0 ? 'warn' : 'neutral'}
          explain="Value removed in the period by shrinkage, write-offs, damage, corrections and count or feed variances."
          footnote={
            d && (
              <>
                {formatCount(d.adjustmentValue.pendingApprovalCount)} awaiting approval ({formatMoney(d.adjustmentValue.pendingApprovalValue)})
              </>
            )
          }
        />
        <MetricCard
          id="refunds-issued"
          label="Refunds issued"
          value={d ? Number(d.refundsIssued.amount) : undefined}
          {...common}
          explain="Refunds paid out on returns in the period."
          footnote={d && <>{formatCount(d.refundsIssued.count)} returns refunded</>}
        />
        <MetricCard
          id="cancelled-value"
          label="Cancelled order value"
          value={d ? Number(d.cancelledOrderValue.amount) : undefined}
          {...common}
          tone={d && d.cancelledOrderValue.count > 0 ? 'warn' : 'neutral'}
          explain="The order totals of orders cancelled in the period: sales that did not happen."
          footnote={d && <>{formatCount(d.cancelledOrderValue.count)} orders cancelled</>}
        />
        <MetricCard
          id="purchase-commitments"
          label="Open purchase commitments"
          value={d ? Number(d.purchaseCommitments.value) : undefined}
          {...common}
          explain="What approved and sent purchase orders still have to deliver, at their line costs."
          footnote={d && <>{formatCount(d.purchaseCommitments.openPurchaseOrders)} open POs, {formatCount(d.purchaseCommitments.latePurchaseOrders)} late</>}
        />
      </div>
      <PanelGrid>
        <InventoryValueTable
          rows={d?.inventoryValue.rows}
          total={d?.inventoryValue.total}
          fetching={result.fetching}
          fileName={`inventory-value-by-${grouping.toLowerCase().replace('_', '-')}.csv`}
          groupLabel={GROUPING_LABEL[grouping]}
          grouping={
            <select className={styles.grouping} aria-label="Group inventory value by" value={grouping} onChange={(e) => setGrouping(e.target.value as InventoryGrouping)} data-grouping>
              {INVENTORY_GROUPINGS.map((g) => (
                <option key={g} value={g}>
                  By {GROUPING_LABEL[g].toLowerCase()}
                </option>
              ))}
            </select>
          }
        />
        <AdjustmentTable rows={d?.adjustmentValue.rows} fetching={result.fetching} fileName={file('adjustments-by-reason')} />
        <CommitmentTable rows={d?.purchaseCommitments.bySupplier} fetching={result.fetching} fileName="open-purchase-commitments.csv" />
        <MoneyByTable
          id="refunds-by-reason"
          title="Refunds by return reason"
          explain="Refunds issued in the period, by the reason the customer gave."
          rows={d?.refundsIssued.byReason}
          fetching={result.fetching}
          keyHeader="Reason"
          countHeader="Refunds"
          empty="No refunds in this period."
          fileName={file('refunds-by-reason')}
        />
        <MoneyByTable
          id="refunds-by-channel"
          title="Refunds by channel"
          explain="Refunds issued in the period, by the channel the order came from."
          rows={d?.refundsIssued.byChannel}
          fetching={result.fetching}
          keyHeader="Channel"
          countHeader="Refunds"
          empty="No refunds in this period."
          fileName={file('refunds-by-channel')}
        />
        <MoneyByTable
          id="cancellations-by-reason"
          title="Cancelled orders by reason"
          explain="Orders cancelled in the period and their value, by the reason given."
          rows={d?.cancelledOrderValue.byReason}
          fetching={result.fetching}
          keyHeader="Reason"
          countHeader="Orders"
          empty="No cancellations in this period."
          fileName={file('cancellations-by-reason')}
        />
        <MoneyByTable
          id="cancellations-by-channel"
          title="Cancelled orders by channel"
          explain="Orders cancelled in the period and their value, by channel."
          rows={d?.cancelledOrderValue.byChannel}
          fetching={result.fetching}
          keyHeader="Channel"
          countHeader="Orders"
          empty="No cancellations in this period."
          fileName={file('cancellations-by-channel')}
        />
      </PanelGrid>
    </>
  )
}
