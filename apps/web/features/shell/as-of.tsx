'use client'

import { useCallback, useState } from 'react'
import { formatDateTime } from '@/lib/format'
import { ViewActions } from './view-gate'
import styles from './shell.module.css'

type Reexecute = (opts: { requestPolicy: 'network-only' }) => void

/** Remembers when a view's figures were fetched and re-runs its queries from the network on demand. */
export function useRefresh(reexecutors: Reexecute[]) {
  const [asOf, setAsOf] = useState(() => new Date())
  const refresh = useCallback(() => {
    for (const run of reexecutors) run({ requestPolicy: 'network-only' })
    setAsOf(new Date())
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, reexecutors)
  return { asOf, refresh }
}

/** "Figures as of <time>" and a Refresh button, beside the view's title. */
export function AsOfBar({ asOf, refresh }: { asOf: Date; refresh: () => void }) {
  return (
    <ViewActions>
      <div className={styles.asOf}>
        <span>Figures as of {formatDateTime(asOf)}</span>
        <button type="button" onClick={refresh}>
          Refresh
        </button>
      </div>
    </ViewActions>
  )
}
