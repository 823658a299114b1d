import type { ReactNode } from 'react'
import styles from './components.module.css'

/** Shown instead of a view the signed-in role may not open: a clear statement, never a crash. */
export function NotAvailable({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className={styles.notAvailable} role="status" data-state="not-available">
      <div className={styles.lock} aria-hidden>
        <svg width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2">
          <rect x="4" y="10" width="16" height="11" rx="2" />
          <path d="M8 10V7a4 4 0 0 1 8 0v3" />
        </svg>
      </div>
      <h2>{title}</h2>
      <div>{children}</div>
    </div>
  )
}
