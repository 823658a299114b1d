import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { getSetting } from '../../settings/settings.ts'
import { openException } from '../../exceptions/commands/open-exception.ts'
import { resolveExceptions } from '../../inventory/resolve-exceptions.ts'

/** The one open LATE_PURCHASE_ORDER exception a purchase order can have. */
export const latePurchaseOrderKey = (purchaseOrderId: number) => `late-purchase-order:${purchaseOrderId}`

/**
 * Opens a LATE_PURCHASE_ORDER exception, owned by PROCUREMENT, for every sent purchase order past its expected arrival
 * and not fully received; one per PO however often it runs (dedupe key), and closes those whose PO was since received
 * or cancelled. Returns how many it opened and resolved.
 */
export async function flagLatePurchaseOrders(tx: Tx, actor: Actor, now = new Date()) {
  const late = await tx.purchaseOrder.findMany({
    where: { status: { in: ['SENT', 'PARTIALLY_RECEIVED'] }, expectedAt: { lt: now } },
    include: { supplier: { select: { code: true, name: true } }, location: { select: { code: true } }, lines: { select: { quantity: true, receivedQuantity: true } } },
    orderBy: { expectedAt: 'asc' },
  })
  const sla = await getSetting(tx, 'exceptions.slaHours')
  let opened = 0
  for (const po of late) {
    const days = (now.getTime() - po.expectedAt!.getTime()) / 86_400_000
    const outstanding = po.lines.reduce((s, l) => s + Math.max(0, l.quantity - l.receivedQuantity), 0)
    const severity = days >= 7 ? 'HIGH' : 'MEDIUM'
    const before = await tx.exception.count({ where: { dedupeKey: latePurchaseOrderKey(po.id), status: { not: 'RESOLVED' } } })
    await openException(tx, {
      type: 'LATE_PURCHASE_ORDER',
      severity,
      ownerRole: 'PROCUREMENT',
      subjectType: 'PurchaseOrder',
      subjectId: po.id,
      title: `${po.number} from ${po.supplier.name} is late`,
      detail: `Expected at ${po.location.code} by ${po.expectedAt!.toISOString().slice(0, 16).replace('T', ' ')} UTC; ${outstanding} unit(s) still outstanding.`,
      data: { number: po.number, supplier: po.supplier.code, expectedAt: po.expectedAt!.toISOString(), outstandingUnits: outstanding, daysLate: days },
      dedupeKey: latePurchaseOrderKey(po.id),
      dueBy: new Date(now.getTime() + (Number((sla as Record<string, number>)[severity]) || 24) * 3_600_000),
    })
    if (before === 0) opened++
  }
  const stale = await tx.exception.findMany({
    where: { type: 'LATE_PURCHASE_ORDER', status: { not: 'RESOLVED' }, subjectType: 'PurchaseOrder', subjectId: { notIn: late.map((p) => p.id) } },
    select: { dedupeKey: true },
  })
  const resolved = await resolveExceptions(tx, stale.flatMap((e) => (e.dedupeKey ? [e.dedupeKey] : [])), actor, 'No longer late: received, cancelled or its expected arrival moved', now)
  return { opened, resolved, late: late.length }
}
