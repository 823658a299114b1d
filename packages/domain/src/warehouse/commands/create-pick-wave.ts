import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'
import { binSlots, fallbackBin, planPicks } from '../bin-plan.ts'
import { moveFulfillmentStatus, moveOrderStatusIfAllowed } from '../status-moves.ts'

export const createPickWaveInput = z.object({
  locationCode: codeSchema,
  maxOrders: z.number().int().min(1, 'A wave holds at least one order').max(500, 'A wave holds at most 500 orders').nullish(),
  cutoffFirst: z.boolean().nullish(),
  maxLines: z.number().int().min(1, 'A wave holds at least one line').max(10_000, 'A wave holds at most 10000 lines').nullish(),
})

/**
 * Groups a node's RELEASED fulfillment orders into one wave (earliest ship-by first when `cutoffFirst`, else by
 * priority) and creates one pick task per bin and SKU in walk order. Each fulfillment order moves to PICKING and
 * its order to IN_FULFILLMENT. Orders already taken by a concurrent wave are skipped, never picked twice. With
 * `maxLines`, fulfillment orders join in queue order while their order lines (reserved allocations) fit; a first
 * one larger than the limit still makes a wave of its own, since a fulfillment order is never split across waves.
 */
export async function createPickWave(tx: Tx, rawInput: z.input<typeof createPickWaveInput>, actor: Actor, now = new Date(), trigger?: { reason: string }) {
  const input = parseInput(createPickWaveInput, rawInput)
  const location = await tx.location.findUnique({ where: { code: input.locationCode }, select: { id: true, code: true } })
  if (!location) throw userError('NOT_FOUND', `Location ${input.locationCode} does not exist`, ['input', 'locationCode'])
  const maxOrders = input.maxOrders ?? 50
  const cutoffFirst = input.cutoffFirst ?? true

  // SKIP LOCKED: two supervisors creating waves at once split the work instead of blocking or double-picking.
  const picked = cutoffFirst
    ? await tx.$queryRaw<Array<{ id: number; lines: number }>>`
        SELECT id, (SELECT count(*)::int FROM allocations a WHERE a.fulfillment_order_id = fo.id AND a.status = 'RESERVED') AS lines
        FROM fulfillment_orders fo WHERE location_id = ${location.id} AND status = 'RELEASED'
        ORDER BY ship_by ASC NULLS LAST, priority ASC, released_at ASC NULLS LAST, id ASC
        LIMIT ${maxOrders} FOR UPDATE SKIP LOCKED`
    : await tx.$queryRaw<Array<{ id: number; lines: number }>>`
        SELECT id, (SELECT count(*)::int FROM allocations a WHERE a.fulfillment_order_id = fo.id AND a.status = 'RESERVED') AS lines
        FROM fulfillment_orders fo WHERE location_id = ${location.id} AND status = 'RELEASED'
        ORDER BY priority ASC, released_at ASC NULLS LAST, id ASC
        LIMIT ${maxOrders} FOR UPDATE SKIP LOCKED`
  if (picked.length === 0) {
    throw userError('NOT_FOUND', `No released fulfillment orders are waiting at ${location.code}`, ['input', 'locationCode'])
  }
  let lines = 0
  const foIds: number[] = []
  for (const r of picked) {
    const n = Number(r.lines)
    if (input.maxLines && foIds.length > 0 && lines + n > input.maxLines) break
    foIds.push(Number(r.id))
    lines += n
  }

  const wave = await tx.pickWave.create({ data: { locationId: location.id, createdBy: actor.id, createdAt: now } })
  const fos = await tx.fulfillmentOrder.findMany({
    where: { id: { in: foIds } },
    select: {
      id: true,
      number: true,
      orderId: true,
      allocations: { where: { status: 'RESERVED' }, orderBy: { id: 'asc' }, select: { id: true, quantity: true, orderLine: { select: { skuId: true } } } },
    },
  })

  const tasks: Array<{ fulfillmentOrderId: number; allocationId: number; binId: number; skuId: number; quantity: number }> = []
  const slotCache = new Map<number, Awaited<ReturnType<typeof binSlots>>>()
  for (const fo of fos.sort((a, b) => foIds.indexOf(a.id) - foIds.indexOf(b.id))) {
    for (const allocation of fo.allocations) {
      const skuId = allocation.orderLine.skuId
      if (!slotCache.has(skuId)) slotCache.set(skuId, await binSlots(tx, location.id, skuId))
      const { picks, uncovered } = planPicks(slotCache.get(skuId)!, allocation.quantity)
      for (const p of picks) tasks.push({ fulfillmentOrderId: fo.id, allocationId: allocation.id, binId: p.binId, skuId, quantity: p.quantity })
      if (uncovered > 0) {
        tasks.push({ fulfillmentOrderId: fo.id, allocationId: allocation.id, binId: await fallbackBin(tx, location.id, skuId), skuId, quantity: uncovered })
      }
    }
  }

  // Walk order: one pass through the warehouse for the whole wave.
  const bins = await tx.bin.findMany({ where: { id: { in: [...new Set(tasks.map((t) => t.binId))] } }, select: { id: true, code: true, sequence: true } })
  const binById = new Map(bins.map((b) => [b.id, b]))
  tasks.sort((a, b) => {
    const x = binById.get(a.binId)!
    const y = binById.get(b.binId)!
    return x.sequence - y.sequence || x.code.localeCompare(y.code) || a.fulfillmentOrderId - b.fulfillmentOrderId
  })
  await tx.pickTask.createMany({ data: tasks.map((t, i) => ({ ...t, waveId: wave.id, sequence: i + 1 })) })

  for (const fo of fos) {
    await moveFulfillmentStatus(tx, fo.id, 'PICKING', actor, {
      title: `Picking started (${wave.number})`,
      detail: `${fo.number} at ${location.code} joined wave ${wave.number}${trigger ? ` (${trigger.reason})` : ''}`,
      data: { pickWaveId: wave.id },
    })
    await moveOrderStatusIfAllowed(tx, fo.orderId, 'IN_FULFILLMENT', actor, { title: 'In fulfillment', detail: `Picking started at ${location.code}` })
  }
  return { wave, taskCount: tasks.length, lineCount: lines, fulfillmentOrderIds: foIds }
}
