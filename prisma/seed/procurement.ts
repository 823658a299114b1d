import { DAY, HOUR, MINUTE, atLocal, dayOfWeek, localDay } from './calendar.ts'
import { round2 } from './catalog.ts'
import type { Row } from './bulk-insert.ts'
import type { Simulation } from './simulation.ts'
import type { Position } from './stock.ts'
import type { SkuInfo, World } from './world.ts'

/** From this long ago, scarce SKUs' supplier stops shipping (their open PO lines turn late). */
const SCARCE_FROM = 10 * DAY

interface SupplierProfile {
  code: string
  name: string
  leadMean: [number, number]
  leadSd: [number, number]
  /** How many standard deviations late deliveries run on average (0 = on time on average). */
  lateness: number
  categories: string[]
}

const SUPPLIERS: SupplierProfile[] = [
  { code: 'SUP-01', name: 'Northwind Housewares', leadMean: [5, 8], leadSd: [1, 2], lateness: 0, categories: ['Kitchen', 'Bath'] },
  { code: 'SUP-02', name: 'Pacific Rim Imports', leadMean: [28, 35], leadSd: [4, 7], lateness: 0.6, categories: ['Home Decor', 'Toys'] },
  { code: 'SUP-03', name: 'Great Lakes Outfitters', leadMean: [7, 12], leadSd: [2, 4], lateness: 0.45, categories: ['Outdoor', 'Apparel'] },
  { code: 'SUP-04', name: 'Sunbelt Manufacturing', leadMean: [4, 6], leadSd: [0.5, 1.5], lateness: -0.2, categories: ['Fitness'] },
  { code: 'SUP-05', name: 'Evergreen Pet Co.', leadMean: [6, 9], leadSd: [1, 2.5], lateness: 0.1, categories: ['Pet Supplies', 'Garden'] },
  { code: 'SUP-06', name: 'Harbor Textiles', leadMean: [18, 26], leadSd: [3, 5], lateness: 0.3, categories: ['Bedding'] },
  { code: 'SUP-07', name: 'Lumen Electronics', leadMean: [20, 30], leadSd: [4, 8], lateness: 0.6, categories: ['Electronics Accessories'] },
  { code: 'SUP-08', name: 'Midwest Office Supply', leadMean: [4, 7], leadSd: [1, 2], lateness: 0, categories: ['Office'] },
]

export interface SourcingInfo {
  supplierId: number
  supplierIndex: number
  leadMean: number
  leadSd: number
  moq: number
  pack: number
  cost: number
}

interface OpenLine {
  row: Row
  pos: Position
  remaining: number
}

/** Suppliers, the SKUs they supply (one primary source each) and weekly replenishment with POs and receipts. */
export class Procurement {
  readonly primary = new Map<number, SourcingInfo>()
  private readonly profiles = SUPPLIERS
  private supplierIds: number[] = []
  /** SKUs whose supplier stops delivering in the last weeks: they run out and leave backorders behind. */
  readonly scarce = new Set<number>()

  constructor(private readonly w: World) {}

  seedSuppliers(): void {
    const rng = this.w.rng.fork('suppliers')
    const at = new Date(this.w.now - 500 * DAY)
    for (const p of this.profiles) {
      const row = this.w.insert('suppliers', {
        code: p.code,
        name: p.name,
        contact_email: `orders@${p.name.toLowerCase().replace(/[^a-z]+/g, '')}.example.com`,
        active: true,
        created_at: at,
      })
      this.supplierIds.push(row.id)
    }
    for (const sku of this.w.skus) {
      if (sku.isBundle) continue
      const idx = Math.max(0, this.profiles.findIndex((p) => p.categories.includes(sku.category)))
      const p = this.profiles[idx]
      const leadMean = round1(rng.uniform(p.leadMean[0], p.leadMean[1]))
      const leadSd = round1(rng.uniform(p.leadSd[0], p.leadSd[1]))
      const pack = rng.pick([1, 1, 6, 12, 24])
      const moq = pack * rng.int(1, 4) * (pack === 1 ? rng.pick([10, 20, 50]) : 1)
      const info: SourcingInfo = { supplierId: this.supplierIds[idx], supplierIndex: idx, leadMean, leadSd, moq, pack, cost: round4(sku.cost * rng.uniform(0.96, 1.03)) }
      this.primary.set(sku.id, info)
      this.supplierSkuRow(sku, info, true)
      // A fifth of the catalog has a second, dearer source (used by procurement when the primary is late).
      if (rng.chance(0.2)) {
        const alt = (idx + 1 + rng.int(0, this.profiles.length - 2)) % this.profiles.length
        const ap = this.profiles[alt]
        this.supplierSkuRow(sku, {
          supplierId: this.supplierIds[alt],
          supplierIndex: alt,
          leadMean: round1(rng.uniform(ap.leadMean[0], ap.leadMean[1])),
          leadSd: round1(rng.uniform(ap.leadSd[0], ap.leadSd[1])),
          moq: pack * rng.int(2, 6),
          pack,
          cost: round4(sku.cost * rng.uniform(1.05, 1.2)),
        }, false)
      }
    }
  }

  private supplierSkuRow(sku: SkuInfo, s: SourcingInfo, primary: boolean): void {
    this.w.insert('supplier_skus', {
      supplier_id: s.supplierId,
      sku_id: sku.id,
      supplier_sku_code: `${this.profiles[s.supplierIndex].code.replace('SUP-', 'S')}-${sku.code.slice(4)}`,
      lead_time_mean_days: s.leadMean,
      lead_time_std_dev_days: s.leadSd,
      minimum_order_quantity: s.moq,
      pack_size: s.pack,
      unit_cost: s.cost,
      is_primary: primary,
    })
  }

  /** Reorder point and order-up-to level of a position: ROP = d*L + z*sqrt(L*sd_d^2 + d^2*sd_L^2). */
  levels(p: Position): { rop: number; orderUpTo: number } {
    const s = this.primary.get(p.sku.id)!
    const d = p.dailyDemand
    const sdD = Math.sqrt(d) * 1.3
    const rop = d * s.leadMean + 2 * Math.sqrt(s.leadMean * sdD * sdD + d * d * s.leadSd * s.leadSd)
    const cover = this.scarce.has(p.sku.id) ? 6 : 28
    return { rop, orderUpTo: rop + d * cover + p.safetyStock }
  }

  /** Weekly review per supplier (its own weekday, 09:00 Chicago) over the whole history. */
  scheduleReviews(sim: Simulation, from: number): void {
    const tz = 'America/Chicago'
    for (let day = localDay(tz, from) + 1; day <= localDay(tz, this.w.now); day++) {
      for (let i = 0; i < this.profiles.length; i++) {
        if (dayOfWeek(day) !== (i % 5) + 1) continue
        sim.at(atLocal(tz, day, 9 * 60), () => this.review(sim, i))
      }
    }
  }

  /** Raises one PO per node for every SKU of the supplier whose inventory position fell below its ROP. */
  private review(sim: Simulation, supplierIndex: number): void {
    const rng = sim.rng
    const freeze = this.w.now - SCARCE_FROM
    for (const node of this.w.nodes) {
      const lines: Array<{ pos: Position; qty: number; cost: number }> = []
      for (const pos of sim.stock.positions) {
        if (pos.node !== node) continue
        const s = this.primary.get(pos.sku.id)
        if (!s || s.supplierIndex !== supplierIndex) continue
        if (this.scarce.has(pos.sku.id) && sim.t > freeze) continue
        const { rop, orderUpTo } = this.levels(pos)
        const position = pos.onHand - pos.reserved - pos.damaged - pos.qualityControl + pos.incoming + pos.inTransit
        if (position > rop || pos.dailyDemand <= 0) continue
        let qty = Math.max(s.moq, Math.ceil(orderUpTo - position))
        qty = Math.ceil(qty / s.pack) * s.pack
        lines.push({ pos, qty, cost: s.cost })
      }
      if (lines.length > 0) this.raisePo(sim, supplierIndex, node.id, lines, rng.chance(0.05))
    }
  }

  private raisePo(sim: Simulation, supplierIndex: number, locationId: number, lines: Array<{ pos: Position; qty: number; cost: number }>, cancel: boolean): void {
    const rng = sim.rng
    const created = sim.t
    const approvedAt = created + rng.uniform(1, 20) * HOUR
    const sentAt = approvedAt + rng.uniform(0.1, 3) * HOUR
    const p = this.profiles[supplierIndex]
    const leadMean = lines.reduce((s, l) => s + this.primary.get(l.pos.sku.id)!.leadMean, 0) / lines.length
    const leadSd = lines.reduce((s, l) => s + this.primary.get(l.pos.sku.id)!.leadSd, 0) / lines.length
    const po = this.w.insert('purchase_orders', {
      number: '',
      supplier_id: this.supplierIds[supplierIndex],
      location_id: locationId,
      status: 'PENDING_APPROVAL',
      ordered_at: null,
      expected_at: null,
      received_at: null,
      created_by: this.w.users.buyer,
      approved_by: null,
      created_at: new Date(created),
    })
    po.number = `PO-${20000 + po.id}`
    const open: OpenLine[] = lines.map((l) => ({
      pos: l.pos,
      remaining: l.qty,
      row: this.w.insert('purchase_order_lines', { purchase_order_id: po.id, sku_id: l.pos.sku.id, quantity: l.qty, received_quantity: 0, unit_cost: l.cost }),
    }))
    const ref = `purchase-order:${po.number}`
    sim.at(approvedAt, () => {
      po.status = 'APPROVED'
      po.approved_by = this.w.users.procLead
      for (const l of open) sim.stock.move(l.pos, 'INCOMING_CHANGED', { incoming: l.remaining }, sim.t, { actor: this.w.users.procLead, reason: 'PO_APPROVED', ref })
    })
    sim.at(sentAt, () => {
      po.status = 'SENT'
      po.ordered_at = new Date(sentAt)
      po.expected_at = new Date(sentAt + leadMean * DAY)
      if (cancel) {
        sim.at(sentAt + rng.uniform(1, 4) * DAY, () => {
          po.status = 'CANCELLED'
          for (const l of open) {
            sim.stock.move(l.pos, 'INCOMING_CHANGED', { incoming: -l.remaining }, sim.t, { actor: this.w.users.procLead, reason: 'PO_CANCELLED', ref })
            l.remaining = 0
          }
        })
        return
      }
      const actualDays = Math.max(1, leadMean + (p.lateness + rng.normal()) * leadSd)
      const arrival = businessHours(this.w, sentAt + actualDays * DAY, rng.uniform(7, 16))
      const split = rng.chance(0.15)
      sim.at(arrival, () => this.receive(sim, po, open, split ? rng.uniform(0.55, 0.8) : 1))
      if (split) sim.at(arrival + rng.uniform(2, 6) * DAY, () => this.receive(sim, po, open, 1))
    })
  }

  /** Books a delivery: receipt rows, stock on hand up and incoming down; scarce SKUs' lines stay open (late). */
  private receive(sim: Simulation, po: Row, open: OpenLine[], fraction: number): void {
    const rng = sim.rng
    const late = open.filter((l) => this.scarce.has(l.pos.sku.id) && sim.t > this.w.now - SCARCE_FROM)
    const receivable = open.filter((l) => l.remaining > 0 && !late.includes(l))
    if (receivable.length === 0) return
    const receipt = this.w.insert('receipts', {
      purchase_order_id: po.id,
      location_id: po.location_id,
      received_by: this.w.users.supervisor,
      received_at: new Date(sim.t),
    })
    const ref = `purchase-order:${po.number}`
    for (const l of receivable) {
      const qty = fraction >= 1 ? l.remaining : Math.max(1, Math.floor(l.remaining * fraction))
      this.w.insert('receipt_lines', { receipt_id: receipt.id, purchase_order_line_id: l.row.id, sku_id: l.pos.sku.id, quantity: qty })
      sim.stock.move(l.pos, 'RECEIVED', { onHand: qty, incoming: -qty }, sim.t, { actor: this.w.users.supervisor, reason: 'PO_RECEIPT', ref })
      l.remaining -= qty
      l.row.received_quantity = (l.row.received_quantity as number) + qty
      // Some inbound goes through quality control before it can be sold.
      if (l.pos.node.code === 'MAIN' && rng.chance(0.08)) {
        const held = Math.max(1, Math.floor(qty * rng.uniform(0.1, 0.3)))
        if (sim.stock.move(l.pos, 'QUALITY_HOLD', { qualityControl: held }, sim.t, { actor: this.w.users.supervisor, reason: 'INBOUND_QC', ref })) {
          sim.at(sim.t + rng.uniform(0.5, 3) * DAY, () => {
            sim.stock.move(l.pos, 'QUALITY_RELEASED', { qualityControl: -held }, sim.t, { actor: this.w.users.supervisor, reason: 'INBOUND_QC_PASSED', ref })
          })
        }
      }
    }
    const done = open.every((l) => l.remaining === 0)
    po.status = done ? 'RECEIVED' : 'PARTIALLY_RECEIVED'
    if (done) po.received_at = new Date(sim.t)
  }
}

/** The next moment at `hour` (local Chicago, on a work day) at or after `t`. */
export function businessHours(w: World, t: number, hour: number): number {
  const tz = 'America/Chicago'
  let day = localDay(tz, t)
  if (!w.calendar.isWorkDay(day)) day = w.calendar.nextWorkDay(day)
  const at = atLocal(tz, day, Math.round(hour * 60))
  return at >= t ? at : atLocal(tz, w.calendar.nextWorkDay(day), Math.round(hour * 60)) + MINUTE
}

function round1(x: number): number {
  return Math.round(x * 10) / 10
}
function round4(x: number): number {
  return Math.round(x * 10000) / 10000
}
