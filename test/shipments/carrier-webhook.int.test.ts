import { describe, expect, it } from 'vitest'
import { useTestApp, TEST_WEBHOOK_SECRET } from '../helpers/test-app.ts'
import { createStockedNode } from '../helpers/factories/warehouse.ts'
import { createShippedOrder } from '../helpers/factories/fulfillment.ts'
import { signCarrierPayload } from '../../apps/api/src/http/carrier-webhook.ts'

const t = useTestApp()

async function post(raw: string, signature: string | null) {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (signature !== null) headers['x-ops-hub-signature'] = signature
  const res = await fetch(`${t().url}/webhooks/carrier`, { method: 'POST', headers, body: raw })
  return { status: res.status, body: (await res.json()) as any }
}

async function shipped() {
  const { channel, node, sku } = await createStockedNode(t(), 5, 'S-01')
  return createShippedOrder(t(), channel, node, [{ sku, quantity: 1 }])
}

async function shipmentState(trackingNumber: string) {
  const prisma = t().app.db.prisma
  const s = await prisma.shipment.findUniqueOrThrow({ where: { trackingNumber }, include: { milestones: true } })
  return { status: s.status, milestones: s.milestones.length, projectedDeliveryAt: s.projectedDeliveryAt }
}

describe('POST /webhooks/carrier', () => {
  it('refuses a bad or missing signature with 401 and changes nothing', async () => {
    const { trackingNumber } = await shipped()
    const before = await shipmentState(trackingNumber)
    const outboxBefore = await t().app.db.prisma.outboxEvent.count()
    const raw = JSON.stringify({ trackingNumber, status: 'DELIVERED', occurredAt: new Date().toISOString() })

    expect((await post(raw, signCarrierPayload('not-the-secret', raw))).status).toBe(401)
    expect((await post(raw, null)).status).toBe(401)
    expect((await post(raw, 'sha256=deadbeef')).status).toBe(401)
    // Signed for another body: a replayed signature on a tampered payload.
    expect((await post(raw.replace('DELIVERED', 'IN_TRANSIT'), signCarrierPayload(TEST_WEBHOOK_SECRET, raw))).status).toBe(401)

    expect(await shipmentState(trackingNumber)).toEqual(before)
    expect(await t().app.db.prisma.outboxEvent.count()).toBe(outboxBefore)
  })

  it('applies a signed event, ignores its duplicate and answers 400 on bad JSON', async () => {
    const { trackingNumber, order } = await shipped()
    const raw = JSON.stringify({ trackingNumber, status: 'IN_TRANSIT', occurredAt: new Date(Date.now() + 60_000).toISOString(), location: 'Memphis hub', externalEventId: 'evt-1' })
    const first = await post(raw, signCarrierPayload(TEST_WEBHOOK_SECRET, raw))
    expect(first).toEqual({ status: 200, body: { trackingNumber, status: 'IN_TRANSIT', duplicate: false, applied: true } })
    const afterFirst = await shipmentState(trackingNumber)
    expect(afterFirst.status).toBe('IN_TRANSIT')

    const again = await post(raw, signCarrierPayload(TEST_WEBHOOK_SECRET, raw))
    expect(again).toEqual({ status: 200, body: { trackingNumber, status: 'IN_TRANSIT', duplicate: true, applied: false } })
    expect(await shipmentState(trackingNumber)).toEqual(afterFirst)

    const bad = '{"trackingNumber":'
    expect((await post(bad, signCarrierPayload(TEST_WEBHOOK_SECRET, bad))).status).toBe(400)
    const unknown = JSON.stringify({ trackingNumber: 'NOPE-0000', status: 'IN_TRANSIT', occurredAt: new Date().toISOString() })
    const refused = await post(unknown, signCarrierPayload(TEST_WEBHOOK_SECRET, unknown))
    expect(refused.status).toBe(422)
    expect(refused.body.errors[0].code).toBe('NOT_FOUND')
    // A NUL cannot reach the database: that event is refused by its field, the rest of the batch still lands.
    const batch = JSON.stringify([
      { trackingNumber: `${trackingNumber}\u0000`, status: 'OUT_FOR_DELIVERY', occurredAt: new Date(Date.now() + 90_000).toISOString() },
      { trackingNumber, status: 'OUT_FOR_DELIVERY', occurredAt: new Date(Date.now() + 120_000).toISOString(), location: 'Van 7' },
    ])
    const mixed = await post(batch, signCarrierPayload(TEST_WEBHOOK_SECRET, batch))
    expect(mixed.status).toBe(200)
    expect(mixed.body.results[0].errors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'trackingNumber'], message: 'Text may not hold a NUL character (\\u0000)' }])
    expect(mixed.body.results[1]).toMatchObject({ trackingNumber, status: 'OUT_FOR_DELIVERY', applied: true })

    const timeline = await t().gql(`query ($n: String!) { order(number: $n) { timeline { kind title detail actor } } }`, { n: order.number }, { role: 'CUSTOMER_SERVICE' })
    const carrier = timeline.data.order.timeline.filter((e: any) => e.kind === 'CARRIER')
    expect(carrier.map((e: any) => e.detail)).toEqual(['Memphis hub', 'Van 7'])
    expect(carrier[0]).toEqual({ kind: 'CARRIER', title: `In transit (UPS ${trackingNumber})`, detail: 'Memphis hub', actor: 'carrier:UPS' })
  })

  it('turns a DELIVERY_EXCEPTION into a CARRIER_DELAY exception for customer service and pushes the projection out', async () => {
    const { trackingNumber, order } = await shipped()
    const before = await shipmentState(trackingNumber)
    const raw = JSON.stringify({ trackingNumber, status: 'DELIVERY_EXCEPTION', occurredAt: new Date().toISOString(), description: 'Address not found' })
    expect((await post(raw, signCarrierPayload(TEST_WEBHOOK_SECRET, raw))).body).toMatchObject({ status: 'DELIVERY_EXCEPTION', applied: true })
    const after = await shipmentState(trackingNumber)
    expect(after.projectedDeliveryAt!.getTime()).toBeGreaterThan(before.projectedDeliveryAt!.getTime())

    const res = await t().gql(`{ exceptions(filter: { type: [CARRIER_DELAY], ownerRole: CUSTOMER_SERVICE }) { nodes { status title detail order { number } subject { ... on Shipment { trackingNumber } } } } }`, {}, { role: 'CUSTOMER_SERVICE' })
    expect(res.errors).toBeUndefined()
    expect(res.data.exceptions.nodes).toEqual([{ status: 'OPEN', title: `Delivery exception on UPS ${trackingNumber}`, detail: 'Address not found', order: { number: order.number }, subject: { trackingNumber } }])

    // Delivered afterwards: the delay is settled and the order complete.
    const delivered = JSON.stringify({ trackingNumber, status: 'DELIVERED', occurredAt: new Date(Date.now() + 1000).toISOString() })
    await post(delivered, signCarrierPayload(TEST_WEBHOOK_SECRET, delivered))
    const o = await t().gql(`query ($n: String!) { order(number: $n) { status } }`, { n: order.number }, { role: 'CUSTOMER_SERVICE' })
    expect(o.data.order.status).toBe('DELIVERED')
    const settled = await t().app.db.prisma.exception.findFirstOrThrow({ where: { type: 'CARRIER_DELAY', order: { number: order.number } } })
    expect(settled.status).toBe('RESOLVED')
  })
})
