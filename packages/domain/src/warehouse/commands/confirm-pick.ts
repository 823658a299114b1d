import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { pickTaskMachine, pickWaveMachine } from '../pick.machine.ts'
import { handleShortPick, type ShortPickOutcome } from '../short-pick.ts'
import { illegal, moveFulfillmentStatus, moveOrderStatusIfAllowed } from '../status-moves.ts'
import { lockPickTask } from '../locks.ts'
import { countNodeWork } from '../day-load.ts'

export const confirmPickInput = z.object({
  taskId: z.number().int().positive(),
  pickedQuantity: z.number().int('Whole units only').min(0, 'Picked quantity cannot be negative'),
})

/**
 * Confirms what the picker took from the bin. The full quantity -> PICKED (units stay reserved until shipment;
 * the bin's count goes down). Fewer -> SHORT, handled by handleShortPick. Only an OPEN task of a fulfillment
 * order that is PICKING, on an order that is not cancelled, can be confirmed.
 */
export async function confirmPick(tx: Tx, rawInput: z.input<typeof confirmPickInput>, actor: Actor) {
  const input = parseInput(confirmPickInput, rawInput)
  // Two scanners confirming the same task serialize; the second sees it is no longer OPEN.
  await lockPickTask(tx, input.taskId)
  const task = await tx.pickTask.findUnique({
    where: { id: input.taskId },
    include: {
      bin: { select: { code: true } },
      sku: { select: { code: true } },
      wave: { select: { id: true, status: true, number: true } },
      fulfillmentOrder: {
        select: { id: true, number: true, status: true, orderId: true, locationId: true, priority: true, shipBy: true, order: { select: { status: true, number: true } } },
      },
    },
  })
  if (!task) throw userError('NOT_FOUND', `Pick task ${input.taskId} does not exist`, ['input', 'taskId'])
  const fo = task.fulfillmentOrder
  if (fo.order.status === 'CANCELLED' || fo.status === 'CANCELLED') {
    throw illegal(`Order ${fo.order.number} was cancelled: put the units back instead of picking them`, ['input', 'taskId'])
  }
  if (fo.status !== 'PICKING') throw illegal(`${fo.number} is ${fo.status}, not PICKING`, ['input', 'taskId'])
  if (input.pickedQuantity > task.quantity) {
    throw userError('INVALID_INPUT', `The task asks for ${task.quantity}; picking more than that is not allowed`, ['input', 'pickedQuantity'])
  }
  const to = input.pickedQuantity === task.quantity ? 'PICKED' : 'SHORT'
  pickTaskMachine.assertTransition(task.status, to, ['input', 'taskId'])

  const now = new Date()
  await tx.pickTask.update({
    where: { id: task.id },
    data: { status: to, pickedQuantity: input.pickedQuantity, confirmedBy: actor.id, confirmedAt: now },
  })
  if (to === 'PICKED') {
    await tx.$executeRaw`
      UPDATE bin_stocks SET quantity = GREATEST(quantity - ${input.pickedQuantity}, 0) WHERE bin_id = ${task.binId} AND sku_id = ${task.skuId}`
  }

  let short: ShortPickOutcome | null = null
  if (to === 'SHORT') {
    if (input.pickedQuantity > 0) {
      await tx.$executeRaw`
        UPDATE bin_stocks SET quantity = GREATEST(quantity - ${input.pickedQuantity}, 0) WHERE bin_id = ${task.binId} AND sku_id = ${task.skuId}`
    }
    short = await handleShortPick(tx, { ...task, allocationId: task.allocationId, fulfillmentOrder: fo }, input.pickedQuantity, actor)
  }

  // The allocation is picked once none of its tasks is open (re-allocation may have added new ones).
  if (task.allocationId) {
    const open = await tx.pickTask.count({ where: { allocationId: task.allocationId, status: 'OPEN' } })
    if (open === 0) await tx.allocation.updateMany({ where: { id: task.allocationId, status: 'RESERVED' }, data: { status: 'PICKED' } })
  }

  let waveStatus = task.wave.status
  if (waveStatus === 'OPEN') {
    pickWaveMachine.assertTransition('OPEN', 'IN_PROGRESS')
    waveStatus = 'IN_PROGRESS'
  }
  const openInWave = await tx.pickTask.count({ where: { waveId: task.waveId, status: 'OPEN' } })
  if (openInWave === 0) {
    pickWaveMachine.assertTransition(waveStatus, 'COMPLETED')
    waveStatus = 'COMPLETED'
  }
  if (waveStatus !== task.wave.status) {
    await tx.pickWave.update({ where: { id: task.waveId }, data: { status: waveStatus, ...(waveStatus === 'COMPLETED' ? { completedAt: now } : {}) } })
  }
  const openForFo = await tx.pickTask.count({ where: { fulfillmentOrderId: fo.id, status: 'OPEN' } })
  // This confirmation closed the fulfillment order's last open task: it counts as picked today at its node - unless
  // nothing at all was found for it, and then there is nothing to pack: it is voided instead of waiting in PICKING.
  let voided = false
  if (openForFo === 0) {
    // Only a confirmation that found nothing can leave the whole fulfillment order empty: the common pick reads nothing more.
    if (input.pickedQuantity === 0) {
      const picked = await tx.pickTask.aggregate({ where: { fulfillmentOrderId: fo.id }, _sum: { pickedQuantity: true } })
      voided = (picked._sum.pickedQuantity ?? 0) === 0
    }
    if (voided) await voidEmptyFulfillment(tx, fo, actor, now)
    else await countNodeWork(tx, fo.locationId, 'picked', now)
  }

  await recordEvents(tx, [
    {
      topic: 'fulfillment.changed',
      aggregateType: 'FulfillmentOrder',
      aggregateId: fo.id,
      payload: { pickTaskId: task.id, taskStatus: to, picked: input.pickedQuantity, readyToPack: openForFo === 0 && !voided, orderId: fo.orderId },
    },
  ])
  const updated = await tx.pickTask.findUniqueOrThrow({ where: { id: task.id } })
  return { task: updated, short, readyToPack: openForFo === 0 && !voided, voided }
}

/**
 * A fulfillment order whose every task came back short with nothing found: its units were already backordered or
 * re-allocated by the short picks, so it is CANCELLED (it would otherwise sit in PICKING with nothing to pack,
 * holding the head of the floor's queue). An order left with no other work waits for stock again: BACKORDERED.
 */
async function voidEmptyFulfillment(tx: Tx, fo: { id: number; number: string; orderId: number }, actor: Actor, now: Date) {
  await moveFulfillmentStatus(tx, fo.id, 'CANCELLED', actor, {
    title: `${fo.number}: nothing found to pick`,
    detail: `${fo.number}: every unit was short; they were backordered or re-allocated, nothing to pack`,
    data: { cancelledAt: now },
  })
  const active = await tx.fulfillmentOrder.count({ where: { orderId: fo.orderId, status: { notIn: ['CANCELLED', 'SHIPPED'] } } })
  if (active === 0) {
    await moveOrderStatusIfAllowed(tx, fo.orderId, 'BACKORDERED', actor, { title: 'Backordered', detail: `Nothing was found to pick for ${fo.number}; the order waits for stock` })
  }
}
