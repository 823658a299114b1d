import type { ReactNode } from 'react'
import styles from './components.module.css'

/** A titled card holding a table or chart, with a line saying what it shows. */
export function Panel({
  title,
  explain,
  children,
  actions,
  id,
  wide,
}: {
  title: string
  explain?: ReactNode
  children: ReactNode
  actions?: ReactNode
  id?: string
  /** Take the whole row of a PanelGrid (wide tables). */
  wide?: boolean
}) {
  return (
    <section className={`${styles.panel} ${wide ? styles.wide : ''}`} data-panel={id}>
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

/** Panels side by side: even columns, or a narrow one (a small chart) beside a wide one (a table). */
export function PanelGrid({ children, layout = 'even' }: { children: ReactNode; layout?: 'even' | 'narrow-wide' }) {
  return <div className={`${styles.panelGrid} ${layout === 'narrow-wide' ? styles.narrowWide : ''}`}>{children}</div>
}
