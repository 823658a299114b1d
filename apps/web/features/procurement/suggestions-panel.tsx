'use client'

import { Fragment, useEffect, useState } from 'react'
import { useMutation, useQuery } from 'urql'
import { Badge } from '@/components/data-table'
import { Panel } from '@/components/panel'
import { describeError } from '@/components/metric-card'
import { formatCount, formatDate } from '@/lib/format'
import { APPROVE_SUGGESTIONS_MUTATION, SUGGESTIONS_QUERY, type Explanation, type Suggestion } from './procurement.graphql'
import { RiskBar } from './risk-bar'
import styles from './procurement.module.css'

const SHOWN = 40

/** One key per click: a retry of the same click (a lost response) cannot draft the orders twice. */
const newKey = () => globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`

/** A number for the formula view: enough digits to recompute by hand, the exact value on hover. */
function n(value: number, digits = 4) {
  return (
    <span title={String(value)} data-exact={value}>
      {Number.isInteger(value) ? formatCount(value) : value.toFixed(digits)}
    </span>
  )
}

function Term({ label, children }: { label: React.ReactNode; children: React.ReactNode }) {
  return (
    <div className={styles.term}>
      <span>{label}</span>
      <span>{children}</span>
    </div>
  )
}

/** Every step from demand and lead time to the suggested quantity, with the numbers that went in. */
function Formula({ s }: { s: Suggestion }) {
  const e: Explanation = s.explanation
  const ltdSd = Math.sqrt(e.leadTimeMeanDays * e.dailyDemandStdDev ** 2 + e.dailyDemandMean ** 2 * e.leadTimeStdDevDays ** 2)
  return (
    <div className={styles.formula} data-formula={s.id}>
      <h4>Demand and lead time</h4>
      <Term label={<>d, units/day over {e.demandDaysObserved} of {e.demandWindowDays} days (no-order days count as 0)</>}>{n(e.dailyDemandMean)}</Term>
      <Term label="σd, standard deviation of daily demand">{n(e.dailyDemandStdDev)}</Term>
      <Term label={<>L, lead time in days ({e.leadTimeBasis === 'OBSERVED' ? `observed, ${e.leadTimeSamples} receipts` : `promised; ${e.leadTimeSamples} receipts so far`})</>}>{n(e.leadTimeMeanDays)}</Term>
      <Term label="σL, lead-time standard deviation">{n(e.leadTimeStdDevDays)}</Term>
      <h4>Reorder point and order-up-to</h4>
      <Term label={<>Service level (class {e.abcClass}) → z = Φ⁻¹({e.serviceLevel})</>}>{n(e.z)}</Term>
      <Term label={<code>safety stock = z·√(L·σd² + d²·σL²)</code>}>{n(e.safetyStock)}</Term>
      <Term label={<code>ROP = d·L + safety stock</code>}>{n(e.reorderPoint)}</Term>
      <Term label={<code>order-up-to = ROP + d × {e.reviewPeriodDays} review days</code>}>{n(e.orderUpTo)}</Term>
      <h4>Inventory position and quantity</h4>
      <Term label={<code>IP = on hand − damaged − QC + incoming + in transit − reserved − backordered</code>}>
        <span title={`${e.onHand} − ${e.damaged} − ${e.qualityControl} + ${e.incoming} + ${e.inTransit} − ${e.reserved} − ${e.backordered}`}>
          {e.onHand} − {e.damaged} − {e.qualityControl} + {e.incoming} + {e.inTransit} − {e.reserved} − {e.backordered} = <strong>{e.inventoryPosition}</strong>
        </span>
      </Term>
      <Term label={<code>unrounded = order-up-to − IP</code>}>{n(e.unroundedQuantity)}</Term>
      <Term label={<>Rounded up to a unit, to the MOQ ({e.moq}) and to packs of {e.packSize}</>}>
        <strong data-quantity>{formatCount(s.suggestedQuantity)}</strong>
      </Term>
      <h4>Stockout risk</h4>
      <Term label={<code>P = 1 − Φ((IP − d·L) / σ_LTD), σ_LTD = {ltdSd.toFixed(4)}</code>}>{n(s.stockoutRisk.probability)}</Term>
      <Term label={<code>expected shortage = σ_LTD·G(k) over L days</code>}>{n(s.stockoutRisk.expectedShortageUnits)} units</Term>
    </div>
  )
}

/**
 * OPEN replenishment suggestions, most at risk first. Each row opens to its formula; selected rows are approved into
 * draft purchase orders, one per supplier and destination node.
 */
export function SuggestionsPanel({ refreshKey, canApprove, onApproved }: { refreshKey: number; canApprove: boolean; onApproved: () => void }) {
  const [result, reexecute] = useQuery<{ replenishmentSuggestions: { totalCount: number; nodes: Suggestion[] } }>({ query: SUGGESTIONS_QUERY, variables: { first: SHOWN } })
  const [approval, approve] = useMutation(APPROVE_SUGGESTIONS_MUTATION)
  const [open, setOpen] = useState<string | null>(null)
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [message, setMessage] = useState<{ tone: 'good' | 'bad'; text: string } | null>(null)
  useEffect(() => {
    if (refreshKey) reexecute({ requestPolicy: 'network-only' })
  }, [refreshKey, reexecute])
  const rows = result.data?.replenishmentSuggestions.nodes
  const total = result.data?.replenishmentSuggestions.totalCount

  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current)
      if (next.has(id)) next.delete(id)
      else next.add(id)
      return next
    })

  async function approveSelected() {
    const res = await approve({ input: { suggestionIds: [...selected], idempotencyKey: newKey() } })
    const payload = res.data?.approveReplenishmentSuggestions
    const problem = res.error ? describeError(res.error) : payload?.userErrors?.[0]?.message
    if (problem) {
      setMessage({ tone: 'bad', text: problem })
      return
    }
    const made = (payload?.purchaseOrders ?? []) as Array<{ number: string; supplier: { code: string }; location: { code: string }; lines: unknown[] }>
    setMessage({ tone: 'good', text: `Drafted ${made.map((p) => `${p.number} (${p.supplier.code} → ${p.location.code}, ${p.lines.length} line${p.lines.length === 1 ? '' : 's'})`).join(', ')}` })
    setSelected(new Set())
    reexecute({ requestPolicy: 'network-only' })
    onApproved()
  }

  return (
    <Panel
      id="replenishment-suggestions"
      wide
      title="Replenishment suggestions, most at risk first"
      explain={
        <>
          One per SKU × node whose inventory position is below its reorder point. {total !== undefined && <>{formatCount(total)} open{total > SHOWN ? `, the ${SHOWN} most at risk shown` : ''}.</>}{' '}
          Open a row for its formula; approve a selection into draft purchase orders, one per supplier and node.
        </>
      }
      actions={
        canApprove ? (
          <button type="button" className={styles.button} disabled={selected.size === 0 || approval.fetching} onClick={() => void approveSelected()} data-action="approve-suggestions">
            Approve {selected.size || ''} into purchase orders
          </button>
        ) : undefined
      }
    >
      {message && (
        <p className={`${styles.message} ${message.tone === 'good' ? styles.good : styles.bad}`} data-message={message.tone}>
          {message.text}
        </p>
      )}
      {result.error && <p className={styles.bad}>{describeError(result.error)}</p>}
      <div style={{ overflowX: 'auto' }}>
        <table className={styles.table} data-table="replenishment-suggestions">
          <thead>
            <tr>
              {canApprove && <th aria-label="Select" />}
              <th>SKU</th>
              <th>Node</th>
              <th>Supplier</th>
              <th className={styles.num}>Order</th>
              <th>Stockout risk</th>
              <th className={styles.num}>Position / ROP</th>
              <th>Need by</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows?.map((s) => (
              <Fragment key={s.id}>
                <tr className={selected.has(s.id) ? styles.selected : undefined} data-suggestion={s.id} data-sku={s.sku.code}>
                  {canApprove && (
                    <td>
                      <input type="checkbox" aria-label={`Select ${s.sku.code} at ${s.location.code}`} checked={selected.has(s.id)} onChange={() => toggle(s.id)} />
                    </td>
                  )}
                  <td>
                    <strong>{s.sku.code}</strong>
                    <br />
                    <span className={styles.muted}>{s.sku.name}</span>
                  </td>
                  <td className={styles.nowrap}>{s.location.code}</td>
                  <td className={styles.nowrap} title={s.supplier.name}>
                    {s.supplier.code}
                  </td>
                  <td className={styles.num}>{formatCount(s.suggestedQuantity)}</td>
                  <td>
                    <RiskBar probability={s.stockoutRisk.probability} />
                  </td>
                  <td className={styles.num}>
                    {formatCount(s.explanation.inventoryPosition)} / {s.explanation.reorderPoint.toFixed(1)}
                  </td>
                  <td className={styles.nowrap}>
                    {s.needBy ? formatDate(s.needBy) : '—'} {s.needBy && new Date(s.needBy).getTime() < Date.now() + 86_400_000 && <Badge tone="bad">now</Badge>}
                  </td>
                  <td>
                    <button type="button" className={styles.link} aria-expanded={open === s.id} onClick={() => setOpen(open === s.id ? null : s.id)} data-action="explain">
                      {open === s.id ? 'Hide formula' : 'Formula'}
                    </button>
                  </td>
                </tr>
                {open === s.id && (
                  <tr className={styles.explanation}>
                    <td colSpan={canApprove ? 9 : 8}>
                      <Formula s={s} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
            {rows && rows.length === 0 && (
              <tr>
                <td colSpan={9} className={styles.muted} style={{ textAlign: 'center', padding: 18 }}>
                  Nothing to reorder: every planned position is at or above its reorder point.
                </td>
              </tr>
            )}
            {!rows && (
              <tr>
                <td colSpan={9} className={styles.muted} style={{ textAlign: 'center', padding: 18 }}>
                  {result.fetching ? 'Loading…' : '—'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </Panel>
  )
}
