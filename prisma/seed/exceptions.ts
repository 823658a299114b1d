import { HOUR } from './calendar.ts'
import type { Row } from './bulk-insert.ts'
import type { World } from './world.ts'

type Severity = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL'

/** Who works each exception type and how urgent it is by default. */
export const EXCEPTION_POLICY: Record<string, { owner: string; severity: Severity }> = {
  PAYMENT_HOLD: { owner: 'FINANCE', severity: 'MEDIUM' },
  FRAUD_REVIEW: { owner: 'FINANCE', severity: 'HIGH' },
  ADDRESS_INVALID: { owner: 'CUSTOMER_SERVICE', severity: 'MEDIUM' },
  STOCK_SHORTAGE: { owner: 'PROCUREMENT', severity: 'HIGH' },
  LOW_CONFIDENCE_STOCK: { owner: 'OPERATIONS', severity: 'MEDIUM' },
  SHIP_BY_RISK: { owner: 'OPERATIONS', severity: 'HIGH' },
  CARRIER_DELAY: { owner: 'CUSTOMER_SERVICE', severity: 'MEDIUM' },
  FEED_DISCREPANCY: { owner: 'OPERATIONS', severity: 'MEDIUM' },
  COUNT_VARIANCE: { owner: 'OPERATIONS', severity: 'MEDIUM' },
  ADJUSTMENT_APPROVAL: { owner: 'FINANCE', severity: 'LOW' },
  ADJUSTMENT_ANOMALY: { owner: 'FINANCE', severity: 'HIGH' },
  REPLENISHMENT_RISK: { owner: 'PROCUREMENT', severity: 'MEDIUM' },
}
/** Same SLA hours as the `exceptions.slaHours` setting's default. */
const SLA_HOURS: Record<Severity, number> = { LOW: 72, MEDIUM: 24, HIGH: 8, CRITICAL: 2 }
const ASSIGNEES: Record<string, string[]> = {
  FINANCE: ['finance', 'controller'],
  CUSTOMER_SERVICE: ['cs', 'csLead'],
  PROCUREMENT: ['buyer', 'procLead'],
  OPERATIONS: ['opsAnalyst', 'supervisor', 'opsLead'],
}

export interface OpenException {
  type: keyof typeof EXCEPTION_POLICY
  subjectType: 'Order' | 'StockPosition' | 'Shipment' | 'Adjustment' | 'CycleCount' | 'InventoryFeed'
  subjectId: number
  title: string
  detail?: string
  data?: Record<string, unknown>
  orderId?: number
  stockPositionId?: number
  dedupeKey?: string
  severity?: Severity
}

/** The exception queue: opened by workflow failures during the simulation, resolved as the story unfolds. */
export class Exceptions {
  constructor(private readonly w: World) {}

  open(at: number, e: OpenException): Row {
    const policy = EXCEPTION_POLICY[e.type]
    const severity = e.severity ?? policy.severity
    return this.w.insert('exceptions', {
      type: e.type,
      severity,
      owner_role: policy.owner,
      status: 'OPEN',
      subject_type: e.subjectType,
      subject_id: e.subjectId,
      order_id: e.orderId ?? null,
      stock_position_id: e.stockPositionId ?? null,
      title: e.title,
      detail: e.detail ?? null,
      data: e.data ?? null,
      due_by: new Date(at + SLA_HOURS[severity] * HOUR),
      escalation_level: 0,
      assigned_to: null,
      resolved_by: null,
      resolved_at: null,
      resolution: null,
      dedupe_key: e.dedupeKey ?? null,
      created_at: new Date(at),
      updated_at: new Date(at),
    })
  }

  resolve(row: Row, at: number, by: string, resolution: string): void {
    row.status = 'RESOLVED'
    row.resolved_by = by
    row.resolved_at = new Date(at)
    row.resolution = resolution
    row.updated_at = new Date(at)
    if (!row.assigned_to) row.assigned_to = by
  }

  /**
   * Open exceptions get realistic queue state: some picked up (IN_PROGRESS with an assignee), and those past
   * their due-by by more than a day escalated one level.
   */
  finish(): void {
    const rng = this.w.rng.fork('exceptions')
    for (const row of this.w.rows.exceptions) {
      if (row.status === 'RESOLVED') continue
      const created = (row.created_at as Date).getTime()
      if (rng.chance(0.4) && this.w.now - created > 0.5 * HOUR) {
        row.status = 'IN_PROGRESS'
        row.assigned_to = this.w.users[rng.pick(ASSIGNEES[row.owner_role as string] ?? ['opsLead'])]
        row.updated_at = new Date(created + rng.uniform(0.2, 0.9) * (this.w.now - created))
      }
      if ((row.due_by as Date).getTime() < this.w.now - 24 * HOUR) row.escalation_level = 1
    }
  }
}
