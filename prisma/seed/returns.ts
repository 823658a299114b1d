import { DAY, HOUR } from './calendar.ts'
import { round2 } from './catalog.ts'
import type { Fulfilment, OrderState } from './fulfilment.ts'
import type { Simulation } from './simulation.ts'

const REASONS = ['Wrong size', 'No longer needed', 'Not as described', 'Arrived damaged', 'Defective', 'Better price elsewhere']
const DISPOSITION_WEIGHTS: Array<[string, number]> = [['RESTOCK', 0.62], ['DAMAGED', 0.18], ['SCRAP', 0.1], ['RETURN_TO_VENDOR', 0.1]]

/** Returns after delivery: RMA, receipt into quality control at MAIN, inspection, disposition, refund. */
export class Returns {
  constructor(
    private readonly sim: Simulation,
    private readonly fulfilment: Fulfilment,
  ) {}

  maybeReturn(o: OrderState, deliveredAt: number): void {
    const sim = this.sim
    const rng = sim.rng
    const w = sim.w
    const rate = o.plan.channel === 'WHOLESALE' ? 0.01 : o.lines.some((l) => l.sku.category === 'Apparel') ? 0.14 : 0.045
    if (!rng.chance(rate)) return
    const requestedAt = deliveredAt + rng.uniform(1, 18) * DAY
    const main = w.node('MAIN')
    sim.at(requestedAt, () => {
      const lines = o.lines.filter((l, i) => i === 0 || rng.chance(0.4))
      const rma = w.insert('returns', {
        number: '',
        order_id: o.row.id,
        location_id: main.id,
        status: 'REQUESTED',
        refund_status: 'NOT_STARTED',
        refund_amount: 0,
        requested_by: rng.chance(0.7) ? `customer:${o.row.customer_email}` : w.users.cs,
        requested_at: new Date(sim.t),
        received_at: null,
        refunded_at: null as Date | null,
        closed_at: null,
      })
      rma.number = `RMA-${30000 + rma.id}`
      const reason = rng.pick(REASONS)
      const rl = lines.map((l) => ({
        line: l,
        qty: Math.max(1, Math.min(l.row.shipped_quantity as number, rng.int(1, l.quantity))),
        row: null as unknown as Record<string, unknown>,
      }))
      for (const r of rl) {
        r.row = w.insert('return_lines', {
          return_id: rma.id,
          order_line_id: r.line.row.id,
          sku_id: r.line.sku.id,
          quantity: r.qty,
          reason,
          received_quantity: 0,
          disposition: null,
          inspection_note: null,
          inspected_by: null,
          inspected_at: null,
        })
      }
      this.fulfilment.recordEvent(o, sim.t, 'return_requested', `Return ${rma.number} requested`, { to: 'RETURN_REQUESTED', detail: reason })
      const ref = `return:${rma.number}`

      sim.at(sim.t + rng.uniform(3, 9) * DAY, () => {
        rma.status = 'RECEIVED'
        rma.received_at = new Date(sim.t)
        rma.refund_status = 'PENDING'
        for (const r of rl) {
          const pos = sim.stock.get(r.line.sku.id, main.id)!
          sim.stock.move(pos, 'RETURNED', { onHand: r.qty, qualityControl: r.qty }, sim.t, { actor: w.users.supervisor, reason: 'RETURN_RECEIVED', ref, orderId: o.row.id })
          r.row.received_quantity = r.qty
          r.line.row.returned_quantity = (r.line.row.returned_quantity as number) + r.qty
        }
        this.fulfilment.recordEvent(o, sim.t, 'return_received', `Return ${rma.number} received at MAIN`, { actor: w.users.supervisor })

        sim.at(sim.t + rng.uniform(4, 60) * HOUR, () => {
          let refund = 0
          for (const r of rl) {
            const pos = sim.stock.get(r.line.sku.id, main.id)!
            const disposition = DISPOSITION_WEIGHTS[rng.weighted(DISPOSITION_WEIGHTS.map((d) => d[1]))][0]
            const actor = { actor: w.users.supervisor, ref, orderId: o.row.id }
            if (disposition === 'RESTOCK') sim.stock.move(pos, 'QUALITY_RELEASED', { qualityControl: -r.qty }, sim.t, { ...actor, reason: 'RETURN_RESTOCK' })
            else if (disposition === 'DAMAGED') sim.stock.move(pos, 'DAMAGED', { qualityControl: -r.qty, damaged: r.qty }, sim.t, { ...actor, reason: 'RETURN_DAMAGED' })
            else sim.stock.move(pos, 'ADJUSTED', { qualityControl: -r.qty, onHand: -r.qty }, sim.t, { ...actor, reason: disposition === 'SCRAP' ? 'RETURN_SCRAP' : 'RETURN_TO_VENDOR' })
            r.row.disposition = disposition
            r.row.inspection_note = disposition === 'RESTOCK' ? 'Unused, original packaging' : disposition === 'DAMAGED' ? 'Packaging damaged, item usable as open-box' : 'Not resellable'
            r.row.inspected_by = w.users.supervisor
            r.row.inspected_at = new Date(sim.t)
            refund += r.qty * Number(r.line.row.unit_price)
          }
          rma.status = 'INSPECTED'
          rma.refund_amount = round2(refund)
          this.fulfilment.recordEvent(o, sim.t, 'returned', `Return ${rma.number} inspected, refund of $${round2(refund).toFixed(2)} approved`, { to: 'RETURNED', actor: w.users.supervisor })
          sim.at(sim.t + rng.uniform(6, 48) * HOUR, () => {
            rma.status = 'CLOSED'
            rma.refund_status = 'REFUNDED'
            rma.refunded_at = rma.closed_at = new Date(sim.t)
            o.row.payment_status = 'REFUNDED'
            this.fulfilment.recordEvent(o, sim.t, 'refunded', `Refund issued for ${rma.number}`, { actor: w.users.finance })
          })
        })
      })
    })
  }
}
