import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { DomainError, type UserErrorData } from '../../shared/errors.ts'
import { idempotent } from '../../shared/idempotency.ts'
import { parseInput } from '../../shared/validation.ts'
import { purchaseOrderChanged } from '../purchase-orders.ts'

export const approveReplenishmentSuggestionsInput = z.object({
  suggestionIds: z.array(z.number().int().positive()).min(1, 'Select at least one suggestion').max(100, 'At most 100 suggestions at once'),
  idempotencyKey: z.string().trim().min(1).max(200).nullish(),
})

/**
 * Turns OPEN suggestions into draft purchase orders, one per supplier × destination, each line the suggested quantity
 * at the supplier's unit cost; the suggestions become CONVERTED and point at their PO. A suggestion that is no longer
 * OPEN refuses the whole approval (nothing is written).
 */
export async function approveReplenishmentSuggestions(tx: Tx, rawInput: z.input<typeof approveReplenishmentSuggestionsInput>, actor: Actor, now = new Date()) {
  const input = parseInput(approveReplenishmentSuggestionsInput, rawInput)
  const ids = [...new Set(input.suggestionIds)]
  return idempotent(
    tx,
    {
      scope: 'approveReplenishmentSuggestions',
      owner: actor.id,
      now,
      key: input.idempotencyKey,
      request: { suggestionIds: [...ids].sort((a, b) => a - b) },
      toResponse: (r) => ({ purchaseOrderIds: r.purchaseOrders.map((p) => p.id) }),
      replay: async (response) => ({
        purchaseOrders: await tx.purchaseOrder.findMany({ where: { id: { in: (response.purchaseOrderIds as number[]) ?? [] } }, orderBy: { id: 'asc' } }),
      }),
    },
    async () => {
      // Locked in id order: two approvals of overlapping selections queue instead of deadlocking, and the second sees CONVERTED.
      const locked = await tx.$queryRaw<Array<{ id: number }>>`SELECT id FROM reorder_suggestions WHERE id = ANY(${ids}::int[]) ORDER BY id FOR UPDATE`
      const suggestions = await tx.reorderSuggestion.findMany({ where: { id: { in: locked.map((r) => r.id) } }, include: { sku: { select: { code: true, unitCost: true } } } })
      const byId = new Map(suggestions.map((s) => [s.id, s]))
      const errors: UserErrorData[] = []
      input.suggestionIds.forEach((id, i) => {
        const s = byId.get(id)
        if (!s) errors.push({ code: 'NOT_FOUND', message: `No replenishment suggestion ${id}`, field: ['input', 'suggestionIds', String(i)] })
        else if (s.status !== 'OPEN') {
          errors.push({ code: 'ILLEGAL_TRANSITION', message: `Suggestion for ${s.sku.code} is ${s.status}, no longer OPEN: regenerate and approve the current one`, field: ['input', 'suggestionIds', String(i)] })
        }
      })
      if (errors.length) throw new DomainError(errors)

      const costs = await tx.supplierSku.findMany({
        where: { OR: suggestions.map((s) => ({ supplierId: s.supplierId, skuId: s.skuId })) },
        select: { supplierId: true, skuId: true, unitCost: true },
      })
      const costOf = (supplierId: number, skuId: number) => costs.find((c) => c.supplierId === supplierId && c.skuId === skuId)?.unitCost
      const groups = new Map<string, typeof suggestions>()
      for (const s of [...suggestions].sort((a, b) => a.supplierId - b.supplierId || a.locationId - b.locationId || a.skuId - b.skuId)) {
        const key = `${s.supplierId}:${s.locationId}`
        groups.set(key, [...(groups.get(key) ?? []), s])
      }
      const purchaseOrders = []
      for (const group of groups.values()) {
        const po = await tx.purchaseOrder.create({
          data: {
            supplierId: group[0].supplierId,
            locationId: group[0].locationId,
            status: 'DRAFT',
            createdBy: actor.id,
            createdAt: now,
            lines: { create: group.map((s) => ({ skuId: s.skuId, quantity: s.suggestedQuantity, unitCost: costOf(s.supplierId, s.skuId) ?? s.sku.unitCost })) },
          },
        })
        await tx.reorderSuggestion.updateMany({
          where: { id: { in: group.map((s) => s.id) } },
          data: { status: 'CONVERTED', decidedBy: actor.id, decidedAt: now, purchaseOrderId: po.id },
        })
        await purchaseOrderChanged(tx, po, 'DRAFT', actor.id)
        purchaseOrders.push(po)
      }
      return { purchaseOrders }
    },
  )
}
