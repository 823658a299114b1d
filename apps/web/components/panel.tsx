import type { ReactNode } from 'react'
import styles from './components.module.css'

/** A titled card holding a table or chart, with a line saying what it shows. */
export function Panel({ title, explain, children, actions, id }: { title: string; explain?: ReactNode; children: ReactNode; actions?: ReactNode; id?: string }) {
  return (
    <section className={styles.panel} data-panel={id}>
      <header className={styles.panelHeader}>
        <div>
          <h2>{title}</h2>
          {explain && <p>{explain}</p>}
        </div>
        {actions}
      </header>
      <div className={styles.panelBody}>{children}</div>
    </section>
  )
}

export function MetricGrid({ children }: { children: ReactNode }) {
  return <div className={styles.metricGrid}>{children}</div>
}

export function PanelGrid({ children }: { children: ReactNode }) {
  return <div className={styles.panelGrid}>{children}</div>
}
