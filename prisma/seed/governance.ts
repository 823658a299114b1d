import { JUDGED_REASONS, SETTING_DEFAULTS, localHourAt, scoreAnomaly } from '@ops-hub/domain'
import { DAY, HOUR, MINUTE, atLocal, localDay } from './calendar.ts'
import { round2 } from './catalog.ts'
import type { Row } from './bulk-insert.ts'
import type { Simulation } from './simulation.ts'
import type { Position } from './stock.ts'
import type { World } from './world.ts'

const APPROVAL_VALUE = 500
const APPROVAL_UNITS = 100
const CHICAGO = 'America/Chicago'

interface AdjustmentInput {
  bucket: 'ON_HAND' | 'DAMAGED'
  delta: number
  reason: string
  requestedBy: string
  note: string
  status?: 'APPLIED' | 'PENDING_APPROVAL' | 'REJECTED'
  decidedBy?: string | null
  decidedAt?: number | null
  expectedQuantity?: number | null
}

/**
 * Inventory governance over the history: adjustments (with approval above value/quantity thresholds), cycle
 * counts with tolerance and recounts, 3PL batch feeds with reconciliation, transfers and damage.
 */
export class Governance {
  /** Sizes of each SKU's manual adjustments so far, and each actor's write-down times: the anomaly check's history. */
  private readonly sizes = new Map<number, number[]>()
  private readonly writeDowns = new Map<string, number[]>()

  constructor(private readonly sim: Simulation) {}

  /** The hub's anomaly check (scoreAnomaly) as it ran when the adjustment was requested, on the history known then. */
  private anomaly(pos: Position, requestedAt: number, delta: number, reason: string, requestedBy: string) {
    if (!(JUDGED_REASONS as readonly string[]).includes(reason)) return { anomaly_score: null, anomaly_flags: [] as string[], anomaly_robust_z: null, anomaly_evidence: null }
    const s = SETTING_DEFAULTS['inventory.anomaly']
    const history = this.sizes.get(pos.sku.id) ?? []
    const writeDowns = (this.writeDowns.get(requestedBy) ?? []).filter((t) => t >= requestedAt - s.repeatHours * HOUR)
    const result = scoreAnomaly(
      {
        quantityDelta: delta,
        // The hub compares against the SKU's latest 200.
        historySizes: history.slice(-200),
        actorNegativeCount: writeDowns.length + (delta < 0 ? 1 : 0),
        hoursSinceCount: pos.lastCountedAt === null || pos.lastCountedAt > requestedAt ? null : (requestedAt - pos.lastCountedAt) / HOUR,
        localHour: localHourAt(new Date(requestedAt), pos.node.tz),
      },
      s,
    )
    history.push(Math.abs(delta))
    this.sizes.set(pos.sku.id, history)
    if (delta < 0) this.writeDowns.set(requestedBy, [...writeDowns, requestedAt])
    return { anomaly_score: result.score, anomaly_flags: result.flags as string[], anomaly_robust_z: result.z, anomaly_evidence: result.evidence as unknown }
  }

  private get w(): World {
    return this.sim.w
  }

  /** Records an adjustment and, when applied, its ledger movement; returns null if the stock cannot take it. */
  adjust(pos: Position, at: number, a: AdjustmentInput): Row | null {
    const status = a.status ?? 'APPLIED'
    const stock = this.sim.stock
    const [type, deltas, actor] =
      a.bucket === 'ON_HAND' ? [a.reason === 'CYCLE_COUNT' ? 'COUNTED' : 'ADJUSTED', { onHand: a.delta }, a.decidedBy ?? a.requestedBy]
      : a.delta > 0 ? ['DAMAGED', { damaged: a.delta }, a.requestedBy]
      : ['ADJUSTED', { damaged: a.delta, onHand: a.delta }, a.decidedBy ?? a.requestedBy]
    if (status === 'APPLIED' && !stock.allows(pos, deltas)) return null
    const requestedAt = a.decidedBy && status === 'APPLIED' ? at - 3 * HOUR : at
    const row = this.w.insert('adjustments', {
      stock_position_id: pos.id,
      sku_id: pos.sku.id,
      location_id: pos.node.id,
      bucket: a.bucket,
      quantity_delta: a.delta,
      reason: a.reason,
      status,
      reference_document_uri: null,
      note: a.note,
      expected_quantity: a.expectedQuantity ?? null,
      value_delta: round2(a.delta * pos.sku.cost),
      requested_by: a.requestedBy,
      decided_by: a.decidedBy ?? null,
      decided_at: a.decidedAt ? new Date(a.decidedAt) : null,
      decision_note: status === 'REJECTED' ? 'Rejected: no supporting count or document' : a.decidedBy ? 'Approved after review' : null,
      idempotency_key: null,
      ...this.anomaly(pos, requestedAt, a.delta, a.reason, a.requestedBy),
      created_at: new Date(requestedAt),
      applied_at: status === 'APPLIED' ? new Date(at) : null,
    })
    if (status === 'APPLIED') stock.move(pos, type, deltas, at, { actor, reason: a.reason, ref: `adjustment:${row.id}` })
    return row
  }

  schedule(from: number): void {
    const sim = this.sim
    const rng = sim.rng
    const w = this.w
    const main = w.node('MAIN')
    const positions = sim.stock.positions
    const mainPositions = positions.filter((p) => p.node === main)
    const weights = mainPositions.map((p) => (p.sku.abc === 'A' ? 6 : p.sku.abc === 'B' ? 3 : 1))

    for (let day = localDay(CHICAGO, from) + 1; day <= localDay(CHICAGO, w.now); day++) {
      sim.at(atLocal(CHICAGO, day, 3 * 60), () => sim.stock.driftOvernight())
      if (!w.calendar.isWorkDay(day)) continue
      // Cycle counts: A items come up most often.
      // The first count of each of the last few days finds a variance beyond tolerance that is still in review.
      const recent = day > localDay(CHICAGO, w.now) - 5
      for (let k = 0; k < 3; k++) {
        sim.at(atLocal(CHICAGO, day, 10 * 60 + k * 50), () => this.count(mainPositions[rng.weighted(weights)], recent && k === 0))
      }
      // Everyday adjustments and damage found on the floor.
      sim.at(atLocal(CHICAGO, day, rng.int(8 * 60, 18 * 60)), () => this.routineAdjustment(mainPositions[rng.weighted(mainPositions.map((p) => p.errorRate))]))
      if (rng.chance(0.8)) sim.at(atLocal(CHICAGO, day, rng.int(7 * 60, 20 * 60)), () => this.damage(rng.pick(mainPositions)))
    }
    this.scheduleSuspicious(mainPositions)
    this.scheduleFeeds(from)
    this.scheduleTransfers()
  }

  private count(pos: Position, beyondTolerance: boolean): void {
    const sim = this.sim
    const rng = sim.rng
    const t = sim.t
    const recent = beyondTolerance
    const book = pos.onHand
    const tolerance = Math.max(2, Math.round(book * 0.02))
    // A count finds what the position's physical stock has drifted from the book (mis-picks, put-away miscounts,
    // wrong manual adjustments since the last count). The last few days' first count also finds a pallet gone astray.
    if (recent && pos.onHand - pos.reserved - pos.damaged - pos.qualityControl > tolerance + 2) pos.drift -= rng.int(tolerance + 2, Math.min(tolerance + 12, pos.onHand - pos.reserved - pos.damaged - pos.qualityControl))
    const variance = Math.max(pos.drift, -(pos.onHand - pos.reserved - pos.damaged - pos.qualityControl))
    pos.drift -= variance
    const within = Math.abs(variance) <= tolerance
    const counter = this.w.users[rng.pick(['supervisor', 'opsAnalyst'])]
    const cc = this.w.insert('cycle_counts', {
      stock_position_id: pos.id,
      sku_id: pos.sku.id,
      location_id: pos.node.id,
      status: 'COMPLETED',
      due_at: new Date(t - rng.uniform(0, 2) * DAY),
      attempt: 1,
      book_quantity: book,
      counted_quantity: book + variance,
      variance,
      variance_ratio: book > 0 ? Math.round((variance / book) * 10000) / 10000 : null,
      within_tolerance: within,
      counted_by: counter,
      counted_at: new Date(t),
      adjustment_id: null as number | null,
      created_at: new Date(t - 3 * DAY),
    })
    pos.lastCountedAt = t
    if (within) {
      if (variance !== 0) {
        const adj = this.adjust(pos, t, { bucket: 'ON_HAND', delta: variance, reason: 'CYCLE_COUNT', requestedBy: counter, note: `Cycle count within tolerance (${tolerance})`, expectedQuantity: book })
        cc.adjustment_id = adj?.id ?? null
      }
      return
    }
    cc.status = 'RECOUNT_REQUESTED'
    const exc = sim.exceptions.open(t, {
      type: 'COUNT_VARIANCE',
      subjectType: 'CycleCount',
      subjectId: cc.id,
      stockPositionId: pos.id,
      title: `Count variance ${variance > 0 ? '+' : ''}${variance} on ${pos.sku.code} at ${pos.node.code}`,
      detail: `Counted ${book + variance} against a book quantity of ${book} (tolerance ${tolerance}).`,
      data: { bookQuantity: book, countedQuantity: book + variance, tolerance },
      dedupeKey: `COUNT_VARIANCE:position:${pos.id}`,
    })
    const recountAt = t + rng.uniform(2, recent ? 30 : 20) * HOUR
    sim.at(recountAt, () => {
      cc.attempt = 2
      cc.status = 'PENDING_APPROVAL'
      cc.counted_at = new Date(sim.t)
      cc.book_quantity = pos.onHand
      cc.counted_quantity = pos.onHand + variance
      pos.lastCountedAt = sim.t
      sim.at(sim.t + (recent ? rng.uniform(30, 80) : rng.uniform(2, 30)) * HOUR, () => {
        const delta = Math.max(variance, -(pos.onHand - pos.reserved - pos.damaged - pos.qualityControl))
        const adj = this.adjust(pos, sim.t, {
          bucket: 'ON_HAND',
          delta,
          reason: 'CYCLE_COUNT',
          requestedBy: counter,
          note: 'Variance confirmed by recount',
          decidedBy: this.w.users.opsLead,
          decidedAt: sim.t,
          expectedQuantity: cc.book_quantity as number,
        })
        cc.status = 'COMPLETED'
        cc.adjustment_id = adj?.id ?? null
        sim.exceptions.resolve(exc, sim.t, this.w.users.opsLead, 'Recount confirmed the variance; adjustment approved')
      })
    })
  }

  /**
   * Someone on the floor corrects a position's book: mostly after noticing its drift (the book is set right for what
   * they saw), otherwise on a hunch that is itself wrong (the book drifts from the shelf); one in twenty is keyed ten
   * times too large. Error-prone positions are corrected most often.
   */
  private routineAdjustment(pos: Position): void {
    const sim = this.sim
    const rng = sim.rng
    const t = sim.t
    let delta: number
    if (pos.drift !== 0 && rng.chance(0.6)) delta = Math.sign(pos.drift) * Math.min(Math.abs(pos.drift), rng.int(1, 4))
    else delta = rng.pick([-4, -3, -2, -2, -1, -1, 1, 1, 2, 3])
    if (rng.chance(0.05)) delta *= 10
    const reason = delta < 0 ? (rng.chance(0.6) ? 'SHRINKAGE' : 'CORRECTION') : rng.chance(0.6) ? 'FOUND' : 'CORRECTION'
    const requestedBy = this.w.users[rng.pick(['supervisor', 'opsAnalyst'])]
    const note = reason === 'SHRINKAGE' ? 'Units missing at pick face' : reason === 'FOUND' ? 'Units found in overflow location' : 'Receiving keyed wrong quantity'
    if (Math.abs(delta * pos.sku.cost) > APPROVAL_VALUE || Math.abs(delta) > APPROVAL_UNITS) {
      const decidedAt = t + rng.uniform(1, 10) * HOUR
      sim.at(decidedAt, () => {
        // The book moves by what was keyed; the shelf does not.
        if (this.adjust(pos, sim.t, { bucket: 'ON_HAND', delta, reason, requestedBy, note, decidedBy: this.w.users.controller, decidedAt: sim.t })) pos.drift -= delta
      })
      return
    }
    if (this.adjust(pos, t, { bucket: 'ON_HAND', delta, reason, requestedBy, note })) pos.drift -= delta
  }

  private damage(pos: Position): void {
    const sim = this.sim
    const rng = sim.rng
    const q = rng.int(1, 3)
    const by = this.w.users.supervisor
    if (!this.adjust(pos, sim.t, { bucket: 'DAMAGED', delta: q, reason: 'DAMAGED', requestedBy: by, note: rng.pick(['Forklift damage', 'Crushed carton on receipt', 'Water damage near dock door']) })) return
    if (rng.chance(0.55)) {
      sim.at(sim.t + rng.uniform(3, 15) * DAY, () => this.adjust(pos, sim.t, { bucket: 'DAMAGED', delta: -q, reason: 'WRITE_OFF', requestedBy: by, note: 'Damaged units disposed' }))
    }
  }

  /**
   * The scarce SKUs' latest supplier lot fails inspection a few days ago: nearly all free units go on QC hold
   * while the replacement PO runs late, so recent orders for them are backordered.
   */
  scheduleQualityHold(scarce: Set<number>): void {
    const sim = this.sim
    const w = this.w
    sim.at(w.now - 4 * DAY - 5 * HOUR, () => {
      for (const p of sim.stock.positions) {
        if (!scarce.has(p.sku.id)) continue
        const free = p.onHand - p.reserved - p.damaged - p.qualityControl - sim.rng.int(0, 1)
        if (free <= 0) continue
        sim.stock.move(p, 'QUALITY_HOLD', { qualityControl: free }, sim.t, { actor: w.users.supervisor, reason: 'SUPPLIER_LOT_QC_FAIL', metadata: { note: 'Supplier lot failed inbound inspection' } })
        if (p.node.code !== 'MAIN') continue
        sim.exceptions.open(sim.t, {
          type: 'REPLENISHMENT_RISK',
          subjectType: 'StockPosition',
          subjectId: p.id,
          stockPositionId: p.id,
          title: `${p.sku.code} has no sellable stock: lot on QC hold, PO late`,
          detail: `${free} unit(s) held after failed inspection; the open purchase order is past its expected date.`,
          data: { heldUnits: free },
          dedupeKey: `REPLENISHMENT_RISK:position:${p.id}`,
        })
      }
    })
  }

  /** One night-shift user books shrinkage on costly SKUs just under the approval threshold: the anomaly to find. */
  private scheduleSuspicious(mainPositions: Position[]): void {
    const sim = this.sim
    const rng = sim.rng
    const w = this.w
    const costly = mainPositions.filter((p) => p.sku.cost >= 25 && p.sku.abc !== 'C')
    if (costly.length === 0) return
    const today = localDay(CHICAGO, w.now)
    const days = [28, 23, 19, 15, 11, 6, 2]
    const made: Row[] = []
    for (const ago of days) {
      const pos = rng.pick(costly)
      sim.at(atLocal(CHICAGO, today - ago, rng.int(2 * 60, 4 * 60)), () => {
        const q = Math.max(1, Math.min(APPROVAL_UNITS, Math.floor(rng.uniform(400, 495) / pos.sku.cost)))
        const row = this.adjust(pos, sim.t, { bucket: 'ON_HAND', delta: -q, reason: 'SHRINKAGE', requestedBy: w.users.nightShift, note: 'Missing at count' })
        if (!row) return
        made.push(row)
        if (ago <= 6) {
          sim.exceptions.open(sim.t + 4 * HOUR, {
            type: 'ADJUSTMENT_ANOMALY',
            subjectType: 'Adjustment',
            subjectId: row.id as number,
            stockPositionId: pos.id,
            title: `Unusual shrinkage by ${w.users.nightShift.slice(5)}: ${q} x ${pos.sku.code}`,
            detail: `$${Math.abs(Number(row.value_delta)).toFixed(2)} written off at ${new Date(sim.t).toISOString().slice(11, 16)} UTC, just under the $${APPROVAL_VALUE} approval threshold; ${made.length} similar adjustments by the same user this month.`,
            data: { requestedBy: w.users.nightShift, similarCount: made.length },
            dedupeKey: `ADJUSTMENT_ANOMALY:adjustment:${row.id}`,
          })
        }
      })
    }
    // Waiting for a finance decision right now.
    const pendingAt = w.now - rng.uniform(2, 20) * HOUR
    sim.at(pendingAt, () => {
      const big = rng.pick(costly)
      const found = rng.pick(mainPositions)
      for (const [pos, delta, reason, note] of [
        [found, 140, 'FOUND', 'Pallet found in overflow racking after re-slotting'],
        [big, -Math.max(2, Math.ceil(650 / big.sku.cost)), 'SHRINKAGE', 'Short on outbound audit'],
      ] as const) {
        const row = this.adjust(pos, sim.t, { bucket: 'ON_HAND', delta, reason, requestedBy: w.users.supervisor, note, status: 'PENDING_APPROVAL' })!
        sim.exceptions.open(sim.t, {
          type: 'ADJUSTMENT_APPROVAL',
          subjectType: 'Adjustment',
          subjectId: row.id as number,
          stockPositionId: pos.id,
          title: `Approve ${reason.toLowerCase()} of ${delta > 0 ? '+' : ''}${delta} x ${pos.sku.code}`,
          detail: `Value $${Math.abs(Number(row.value_delta)).toFixed(2)} exceeds the approval threshold.`,
          data: { quantityDelta: delta, valueDelta: row.value_delta },
          dedupeKey: `ADJUSTMENT_APPROVAL:adjustment:${row.id}`,
        })
      }
    })
    sim.at(w.now - 9 * DAY, () => {
      this.adjust(rng.pick(mainPositions), sim.t, { bucket: 'ON_HAND', delta: -150, reason: 'CORRECTION', requestedBy: w.users.opsAnalyst, note: 'Bulk correction after system migration', status: 'REJECTED', decidedBy: w.users.controller, decidedAt: sim.t + 5 * HOUR })
    })
  }

  /** The 3PL sends a snapshot every 6 hours; small drifts are auto-accepted, larger ones wait for review. */
  private scheduleFeeds(from: number): void {
    const sim = this.sim
    const rng = sim.rng
    const w = this.w
    const tpl = w.node('OVERFLOW-3PL')
    const last = (tpl.row.last_feed_at as Date).getTime()
    const times: number[] = []
    for (let t = last; t > from + 6 * HOUR; t -= 6 * HOUR) times.unshift(t)
    const ops = w.users.opsAnalyst
    times.forEach((t, i) => {
      const latest = i === times.length - 1
      sim.at(t, () => {
        const positions = sim.stock.positions.filter((p) => p.node === tpl)
        const stamp = new Date(sim.t).toISOString().replace(/[-:]/g, '').slice(0, 13)
        const fileName = `reno3pl_inventory_${stamp}.csv`
        const feed = w.insert('inventory_feeds', {
          location_id: tpl.id,
          as_of: new Date(sim.t - 25 * MINUTE),
          file_name: fileName,
          status: latest ? 'PENDING_REVIEW' : 'APPLIED',
          rows_read: positions.length,
          accepted: positions.length,
          rejected: 0,
          discrepancies: 0,
          imported_by: 'system',
          created_at: new Date(sim.t),
          // History: the freshness each snapshot gave was applied when it was imported (the seed scores every
          // position at the end), so a starting hub has no catch-up left over from 90 days of feeds.
          freshness_applied_at: new Date(sim.t),
        })
        const ref = `inventory-feed:${fileName}`
        for (let k = rng.int(0, 2); k > 0; k--) {
          const p = rng.pick(positions)
          const delta = rng.pick([-2, -1, -1, 1, 2])
          sim.stock.move(p, 'FEED_SYNCED', { onHand: delta }, sim.t, { actor: 'system', reason: 'FEED_AUTO_ACCEPT', ref, metadata: { feedId: feed.id } })
        }
        const n = latest ? 5 : rng.chance(1 / 6) ? 1 : 0
        const picked = rng.shuffle([...positions]).slice(0, n)
        for (const p of picked) {
          const tolerance = Math.max(5, Math.round(p.onHand * 0.02))
          let delta = (rng.chance(0.65) ? -1 : 1) * rng.int(tolerance + 3, tolerance + 25)
          delta = Math.max(delta, -(p.onHand - p.reserved - p.damaged - p.qualityControl))
          if (Math.abs(delta) <= tolerance) delta = tolerance + rng.int(3, 10)
          const d = w.insert('feed_discrepancies', {
            feed_id: feed.id,
            stock_position_id: p.id,
            book_quantity: p.onHand,
            feed_quantity: p.onHand + delta,
            delta,
            status: 'PENDING',
            decided_by: null,
            decided_at: null,
          })
          feed.discrepancies = (feed.discrepancies as number) + 1
          feed.accepted = (feed.accepted as number) - 1
          const exc = sim.exceptions.open(sim.t, {
            type: 'FEED_DISCREPANCY',
            subjectType: 'StockPosition',
            subjectId: p.id,
            stockPositionId: p.id,
            title: `3PL feed differs by ${delta > 0 ? '+' : ''}${delta} on ${p.sku.code}`,
            detail: `Feed ${fileName} reports ${p.onHand + delta}, book says ${p.onHand} (tolerance ${tolerance}).`,
            data: { feedId: feed.id, discrepancyId: d.id, bookQuantity: p.onHand, feedQuantity: p.onHand + delta },
            dedupeKey: `FEED_DISCREPANCY:position:${p.id}`,
          })
          if (latest) continue
          sim.at(sim.t + rng.uniform(1, 8) * HOUR, () => {
            const approve = rng.chance(0.6) && sim.stock.move(p, 'FEED_SYNCED', { onHand: delta }, sim.t, { actor: ops, reason: 'FEED_DISCREPANCY_APPROVED', ref, metadata: { feedId: feed.id } })
            d.status = approve ? 'APPROVED' : 'REJECTED'
            d.decided_by = ops
            d.decided_at = new Date(sim.t)
            sim.exceptions.resolve(exc, sim.t, ops, approve ? 'Feed quantity accepted after 3PL confirmed the count' : 'Feed rejected: 3PL re-sent corrected quantity within tolerance')
          })
        }
      })
    })
  }

  /** Replenishment transfers MAIN -> 3PL: three completed, one on the road now, one awaiting approval. */
  private scheduleTransfers(): void {
    const sim = this.sim
    const rng = sim.rng
    const w = this.w
    const main = w.node('MAIN')
    const tpl = w.node('OVERFLOW-3PL')
    const candidates = sim.stock.positions.filter((p) => p.node === tpl && sim.stock.get(p.sku.id, main.id)).sort((a, b) => b.dailyDemand - a.dailyDemand).slice(0, 40)
    if (candidates.length === 0) return
    const plans: Array<{ requested: number; ship?: number }> = [
      { requested: w.now - 60 * DAY },
      { requested: w.now - 35 * DAY },
      { requested: w.now - 12 * DAY },
      { requested: w.now - 44 * HOUR, ship: w.now - 20 * HOUR },
      { requested: w.now - 5 * HOUR },
    ]
    for (const plan of plans) {
      sim.at(plan.requested, () => {
        const lines = rng.shuffle([...candidates]).slice(0, rng.int(3, 6))
        const tr = w.insert('transfers', {
          number: '',
          from_location_id: main.id,
          to_location_id: tpl.id,
          status: 'REQUESTED',
          requested_by: w.users.opsAnalyst,
          approved_by: null,
          shipped_at: null,
          received_at: null,
          created_at: new Date(sim.t),
        })
        tr.number = `TR-${1000 + tr.id}`
        const ref = `transfer:${tr.number}`
        const rows = lines.map((p) => ({
          dest: p,
          src: sim.stock.get(p.sku.id, main.id)!,
          row: w.insert('transfer_lines', { transfer_id: tr.id, sku_id: p.sku.id, quantity: Math.max(6, Math.ceil(p.dailyDemand * 5)), received_quantity: 0 }),
        }))
        const approveAt = plan.ship ? plan.ship - 6 * HOUR : sim.t + rng.uniform(1, 5) * HOUR
        const shipAt = plan.ship ?? approveAt + rng.uniform(4, 20) * HOUR
        sim.at(approveAt, () => {
          tr.status = 'APPROVED'
          tr.approved_by = w.users.opsLead
        })
        sim.at(shipAt, () => {
          for (const r of rows) {
            let q = r.row.quantity as number
            q = Math.min(q, sim.stock.available(r.src))
            if (q <= 0) {
              // Nothing left to spare at MAIN: the line is dropped from the transfer before it ships.
              w.rows.transfer_lines.splice(w.rows.transfer_lines.indexOf(r.row), 1)
              r.row.quantity = 0
              continue
            }
            r.row.quantity = q
            sim.stock.move(r.src, 'TRANSFERRED_OUT', { onHand: -q }, sim.t, { actor: w.users.supervisor, reason: 'TRANSFER_SHIPPED', ref }, 'available')
            sim.stock.move(r.dest, 'TRANSFERRED_IN', { inTransit: q }, sim.t, { actor: w.users.supervisor, reason: 'TRANSFER_SHIPPED', ref })
          }
          tr.status = 'IN_TRANSIT'
          tr.shipped_at = new Date(sim.t)
          sim.at(sim.t + rng.uniform(1.5, 3) * DAY, () => {
            for (const r of rows) {
              const q = r.row.quantity as number
              if (q === 0) continue
              sim.stock.move(r.dest, 'TRANSFERRED_IN', { inTransit: -q, onHand: q }, sim.t, { actor: 'system', reason: 'TRANSFER_RECEIVED', ref })
              r.row.received_quantity = q
            }
            tr.status = 'RECEIVED'
            tr.received_at = new Date(sim.t)
          })
        })
      })
    }
  }

  /** Counts due soon for the positions counted longest ago, and low-confidence flags on doubtful positions. */
  finish(): void {
    const w = this.w
    const rng = this.sim.rng
    const stale = [...this.sim.stock.positions].sort((a, b) => (a.lastCountedAt ?? 0) - (b.lastCountedAt ?? 0) || a.id - b.id).slice(0, 25)
    stale.forEach((p, i) => {
      w.insert('cycle_counts', {
        stock_position_id: p.id,
        sku_id: p.sku.id,
        location_id: p.node.id,
        status: 'SCHEDULED',
        due_at: new Date(w.now + (i < 6 ? -rng.uniform(2, 40) : rng.uniform(4, 24 * 7)) * HOUR),
        attempt: 0,
        book_quantity: null,
        counted_quantity: null,
        variance: null,
        variance_ratio: null,
        within_tolerance: null,
        counted_by: null,
        counted_at: null,
        adjustment_id: null,
        created_at: new Date(w.now - 3 * DAY),
      })
    })
    // Last counted dates for positions the history never counted: A items are counted more often.
    for (const p of this.sim.stock.positions) {
      if (p.lastCountedAt !== null) continue
      const maxAge = p.sku.abc === 'A' ? 40 : p.sku.abc === 'B' ? 90 : 200
      p.lastCountedAt = w.now - rng.uniform(p.sku.abc === 'A' ? 5 : 20, maxAge) * DAY
    }
    const pendingFeed = new Set(w.rows.feed_discrepancies.filter((d) => d.status === 'PENDING').map((d) => d.stock_position_id as number))
    const doubtful = [
      ...this.sim.stock.positions.filter((p) => pendingFeed.has(p.id)),
      ...this.sim.stock.positions.filter((p) => !pendingFeed.has(p.id) && p.sku.abc === 'A' && (p.lastCountedAt ?? 0) < w.now - 30 * DAY),
    ]
    for (const p of doubtful.slice(0, 6)) {
      const why = pendingFeed.has(p.id) ? 'unreconciled 3PL feed delta' : 'not counted in over 30 days'
      this.sim.exceptions.open(w.now - rng.uniform(0.5, 30) * HOUR, {
        type: 'LOW_CONFIDENCE_STOCK',
        subjectType: 'StockPosition',
        subjectId: p.id,
        stockPositionId: p.id,
        title: `Low confidence in ${p.sku.code} at ${p.node.code}`,
        detail: `Stock is not safely promisable: ${why}.`,
        data: { reason: why },
        dedupeKey: `LOW_CONFIDENCE_STOCK:position:${p.id}`,
      })
    }
  }
}
