'use client'

import { useQuery } from 'urql'
import { MetricCard } from '@/components/metric-card'
import { MetricGrid, Panel, PanelGrid } from '@/components/panel'
import { Badge, DataTable } from '@/components/data-table'
import { CountBarChart } from '@/components/count-bar-chart'
import { formatCount } from '@/lib/format'
import { ViewGate } from '@/features/shell/view-gate'
import { AsOfBar, useRefresh } from '@/features/shell/as-of'
import { PROCUREMENT_OVERVIEW_QUERY, type ProcurementOverviewResult } from './procurement.graphql'

export function ProcurementView() {
  return (
    <ViewGate slug="procurement">
      <ProcurementFigures />
    </ViewGate>
  )
}

function ProcurementFigures() {
  const [result, reexecute] = useQuery<ProcurementOverviewResult>({ query: PROCUREMENT_OVERVIEW_QUERY })
  const { asOf, refresh } = useRefresh([reexecute])
  const d = result.data
  const common = { fetching: result.fetching, error: result.error }
  const classes = d
    ? [
        { label: 'A', count: d.classA.totalCount },
        { label: 'B', count: d.classB.totalCount },
        { label: 'C', count: d.classC.totalCount },
      ]
    : []

  return (
    <>
      <AsOfBar asOf={asOf} refresh={refresh} />
      <MetricGrid>
        <MetricCard id="catalog-skus" label="SKUs in the catalog" value={d?.skus.totalCount} {...common} explain="Distinct stock-keeping units the hub knows, active or not." />
        <MetricCard
          id="stock-positions"
          label="Stock positions tracked"
          value={d?.stockPositions.totalCount}
          {...common}
          explain="SKU × location pairs with a stock record: each one has on-hand, reserved, incoming and safety-stock buckets."
        />
        <MetricCard
          id="orders-waiting-on-stock"
          label="Orders waiting on stock"
          value={d?.backordered.totalCount}
          {...common}
          tone={d && d.backordered.totalCount > 0 ? 'bad' : 'neutral'}
          explain="Orders backordered or only partly allocated: demand the network could not cover when they were placed."
        />
        <MetricCard
          id="procurement-exceptions"
          label="Open procurement exceptions"
          value={d?.procurementExceptions.totalCount}
          {...common}
          explain="Exceptions owned by Procurement (late purchase orders, replenishment risk…) still open or in progress."
        />
      </MetricGrid>
      <PanelGrid layout="narrow-wide">
        <Panel id="abc-classes" title="Catalog by ABC class" explain="SKUs per Pareto class by sales value: A items are counted and replenished most often.">
          <CountBarChart id="abc-classes" data={classes} name="SKUs" height={200} />
        </Panel>
        <Panel id="stock-positions" title="Stock positions" explain="The first 12 positions: available = on hand − reserved − safety stock − damaged − QC, never negative.">
          <DataTable
            id="stock-positions"
            rows={d?.positions.nodes}
            fetching={result.fetching}
            rowKey={(p) => p.id}
            empty="No stock positions yet."
            columns={[
              {
                header: 'SKU',
                cell: (p) => (
                  <>
                    <strong>{p.sku.code}</strong>
                    <br />
                    <span style={{ color: 'var(--muted)', fontSize: 12 }}>{p.sku.name}</span>
                  </>
                ),
              },
              { header: 'Location', cell: (p) => p.location.code, nowrap: true },
              { header: 'On hand', cell: (p) => formatCount(p.onHand), align: 'right' },
              { header: 'Reserved', cell: (p) => formatCount(p.reserved), align: 'right' },
              { header: 'Available', cell: (p) => (p.available <= p.safetyStock ? <Badge tone="warn">{formatCount(p.available)}</Badge> : formatCount(p.available)), align: 'right' },
              { header: 'Incoming', cell: (p) => formatCount(p.incoming), align: 'right' },
            ]}
          />
        </Panel>
      </PanelGrid>
    </>
  )
}
