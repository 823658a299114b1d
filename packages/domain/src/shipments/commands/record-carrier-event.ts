import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { openException } from '../../exceptions/commands/open-exception.ts'
import { exceptionMachine } from '../../exceptions/exception.machine.ts'
import { moveOrderStatusIfAllowed } from '../../warehouse/status-moves.ts'
import { milestoneAdvances } from '../shipment.machine.ts'
import { holidaysFor, reprojectAfterException } from '../delivery-projection.ts'

export const SHIPMENT_STATUSES = ['LABEL_CREATED', 'HANDED_TO_CARRIER', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'DELIVERY_EXCEPTION', 'RETURNED_TO_SENDER'] as const

// Carrier clocks drift, but an event a day in the future is a broken payload, not a milestone.
const MAX_FUTURE_SKEW_MS = 24 * 3_600_000

export const recordCarrierEventInput = z.object({
  trackingNumber: z.string().trim().min(1, 'Tracking number is required').max(64),
  status: z.enum(SHIPMENT_STATUSES),
  occurredAt: z.coerce.date({ message: 'occurredAt must be an ISO-8601 date-time' }),
  location: z.string().trim().max(200).nullish(),
  description: z.string().trim().max(1000).nullish(),
  externalEventId: z.string().trim().max(200).nullish(),
})

export type RecordCarrierEventInput = z.input<typeof recordCarrierEventInput>

/**
 * Ingests one carrier milestone (GraphQL or the signed webhook). Idempotent: the same (shipment, status,
 * occurredAt) is stored once and a repeat is reported as a duplicate with nothing changed. Every new milestone is
 * kept in the history; it moves the shipment only when it is a forward move and not older than the current status
 * (out-of-order reports never move it backwards). DELIVERED completes the order once all its shipments are
 * delivered; DELIVERY_EXCEPTION opens a CARRIER_DELAY exception for customer service and pushes the projection out.
 */
export async function recordCarrierEvent(tx: Tx, rawInput: RecordCarrierEventInput, actor: Actor, source = 'api') {
  const input = parseInput(recordCarrierEventInput, rawInput)
  if (Number.isNaN(input.occurredAt.getTime()) || input.occurredAt.getTime() > Date.now() + MAX_FUTURE_SKEW_MS) {
    throw userError('INVALID_INPUT', 'occurredAt is more than a day in the future', ['input', 'occurredAt'])
  }
  // One carrier event at a time per shipment, so two webhooks racing cannot both "advance" it.
  const locked = await tx.$queryRaw<Array<{ id: number }>>`SELECT id FROM shipments WHERE tracking_number = ${input.trackingNumber} FOR UPDATE`
  if (locked.length === 0) throw userError('NOT_FOUND', `No shipment with tracking number ${input.trackingNumber}`, ['input', 'trackingNumber'])
  const shipment = await tx.shipment.findUniqueOrThrow({
    where: { id: Number(locked[0].id) },
    include: { fulfillmentOrder: { select: { location: { select: { id: true, timezone: true } } } } },
  })

  const inserted = await tx.$queryRaw<Array<{ id: number }>>`
    INSERT INTO shipment_milestones (shipment_id, status, occurred_at, location, description, source, external_event_id, received_at)
    VALUES (${shipment.id}, ${input.status}::"ShipmentStatus", ${input.occurredAt}, ${input.location ?? null}, ${input.description ?? null},
            ${source}, ${input.externalEventId ?? null}, now())
    ON CONFLICT (shipment_id, status, occurred_at) DO NOTHING
    RETURNING id`
  if (inserted.length === 0) return { shipment, milestoneId: null, duplicate: true, applied: false }
  const milestoneId = Number(inserted[0].id)

  const applied = milestoneAdvances(shipment, { status: input.status, occurredAt: input.occurredAt })
  let current = shipment
  if (applied) {
    const data: Record<string, unknown> = { status: input.status, statusAt: input.occurredAt }
    if (input.status === 'HANDED_TO_CARRIER') data.handedToCarrierAt = input.occurredAt
    if (input.status === 'DELIVERED') data.deliveredAt = input.occurredAt
    if (input.status === 'DELIVERY_EXCEPTION') {
      const location = shipment.fulfillmentOrder.location
      data.projectedDeliveryAt = reprojectAfterException({
        previous: shipment.projectedDeliveryAt, exceptionAt: input.occurredAt, timezone: location.timezone, holidays: await holidaysFor(tx, location.id),
      })
    }
    current = { ...shipment, ...(await tx.shipment.update({ where: { id: shipment.id }, data })) }

    if (input.status === 'DELIVERY_EXCEPTION') {
      await openException(tx, {
        type: 'CARRIER_DELAY',
        severity: 'HIGH',
        ownerRole: 'CUSTOMER_SERVICE',
        subjectType: 'Shipment',
        subjectId: shipment.id,
        orderId: shipment.orderId,
        title: `Delivery exception on ${shipment.carrier} ${shipment.trackingNumber}`,
        detail: [input.description, input.location].filter(Boolean).join(' - ') || 'The carrier reported a delivery exception',
        data: { trackingNumber: shipment.trackingNumber, occurredAt: input.occurredAt.toISOString(), projectedDeliveryAt: current.projectedDeliveryAt?.toISOString() },
        dedupeKey: `CARRIER_DELAY:${shipment.id}`,
      })
    }
    if (input.status === 'DELIVERED') {
      await settleCarrierDelay(tx, shipment.id, actor)
      const pending = await tx.shipment.count({ where: { orderId: shipment.orderId, status: { not: 'DELIVERED' } } })
      if (pending === 0) {
        await moveOrderStatusIfAllowed(tx, shipment.orderId, 'DELIVERED', actor, {
          title: 'Delivered',
          detail: `${shipment.carrier} ${shipment.trackingNumber}${input.location ? ` at ${input.location}` : ''}`,
          at: input.occurredAt,
          data: { deliveredAt: input.occurredAt },
        })
      }
    }
  }
  await recordEvents(tx, [
    {
      topic: 'shipment.changed',
      aggregateType: 'Shipment',
      aggregateId: shipment.id,
      payload: { reported: input.status, status: current.status, applied, orderId: shipment.orderId, carrier: shipment.carrier },
    },
  ])
  return { shipment: current, milestoneId, duplicate: false, applied }
}

async function settleCarrierDelay(tx: Tx, shipmentId: number, actor: Actor) {
  const open = await tx.exception.findMany({ where: { dedupeKey: `CARRIER_DELAY:${shipmentId}`, status: { not: 'RESOLVED' } } })
  for (const e of open) {
    exceptionMachine.assertTransition(e.status, 'RESOLVED')
    await tx.exception.update({ where: { id: e.id }, data: { status: 'RESOLVED', resolvedAt: new Date(), resolvedBy: actor.id, resolution: 'Delivered' } })
    await recordEvents(tx, [{ topic: 'exception.changed', aggregateType: 'Exception', aggregateId: e.id, payload: { status: 'RESOLVED' } }])
  }
}
