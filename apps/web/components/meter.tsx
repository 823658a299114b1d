import type { ReactNode } from 'react'
import styles from './components.module.css'

/** A load against a capacity as a filled bar with its figures over it: amber above 80%, red once `over`. */
export function Meter({ share, over, title, className, children }: { share: number; over: boolean; title?: string; className?: string; children: ReactNode }) {
  return (
    <div className={className ? `${styles.meter} ${className}` : styles.meter} title={title}>
      <div className={`${styles.meterFill} ${over ? styles.meterOver : share > 0.8 ? styles.meterWarn : ''}`} style={{ width: `${Math.min(100, share * 100)}%` }} />
      <span>{children}</span>
    </div>
  )
}
