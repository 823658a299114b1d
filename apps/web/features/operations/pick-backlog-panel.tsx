'use client'

import { Badge, DataTable } from '@/components/data-table'
import { Meter } from '@/components/meter'
import { formatCount } from '@/lib/format'
import type { PickBacklog } from './operations.graphql'
import styles from './operations.module.css'

/** Per node: what is released and not yet packed, against what the node can pick in a day. */
export function PickBacklogTable({ backlog, fetching }: { backlog?: PickBacklog; fetching: boolean }) {
  return (
    <DataTable
      id="pick-backlog"
      rows={backlog?.locations}
      fetching={fetching}
      rowKey={(l) => l.locationCode}
      empty="No fulfilment nodes."
      columns={[
        { header: 'Node', cell: (l) => (<><strong>{l.locationCode}</strong><br /><span className={styles.muted}>{l.locationName}</span></>) },
        {
          header: 'Backlog vs capacity',
          cell: (l) => (
            <Meter
              share={l.load}
              over={l.load > 1}
              className={styles.backlogMeter}
              title={`${l.backlog} fulfilment orders released or being picked (${l.backlogUnits} units) against a daily pick capacity of ${l.capacity}`}
            >
              {formatCount(l.backlog)} / {formatCount(l.capacity)}
            </Meter>
          ),
        },
        { header: 'Awaiting', cell: (l) => <span title="Routed to the node, not yet released to the floor">{formatCount(l.awaitingRelease)}</span>, align: 'right' },
        {
          header: 'Today',
          cell: (l) => <span title="Fulfilment orders released / picked today (node's local day)">{formatCount(l.releasedToday)} / {formatCount(l.pickedToday)}</span>,
          align: 'right',
        },
        {
          header: 'Left',
          cell: (l) =>
            l.remainingCapacity === 0 ? (
              <Badge tone="bad">Full</Badge>
            ) : (
              <span title="Releases left today: the smaller of pick and pack capacity, less today's releases">{formatCount(l.remainingCapacity)}</span>
            ),
          align: 'right',
        },
      ]}
    />
  )
}
