// Orders walked through warehouse execution with the public API, named by the state they reach.
import { expect } from 'vitest'
import type { TestApp } from '../test-app.ts'
import { uniqueCode } from '../unique.ts'
import { orderInput, placeOrder, type LineSpec } from './orders.ts'

export const FO_FIELDS = /* GraphQL */ `id number status pickTasks { id bin { code } sku quantity pickedQuantity status } shipments { id trackingNumber status }`

async function ok(app: TestApp, query: string, variables: Record<string, unknown>, field: string) {
  const res = await app.gql(query, variables, { role: 'OPERATIONS' })
  if (res.errors) throw new Error(`${field} errored: ${JSON.stringify(res.errors)}`)
  const payload = res.data[field]
  if (payload.userErrors?.length) throw new Error(`${field} refused: ${JSON.stringify(payload.userErrors)}`)
  return payload
}

export const RELEASE = /* GraphQL */ `mutation ($input: ReleaseOrdersInput!) { releaseOrders(input: $input) { released { id number status } heldBack { code reason } userErrors { code message } } }`
export const CREATE_WAVE = /* GraphQL */ `mutation ($input: CreatePickWaveInput!) { createPickWave(input: $input) { pickWave { id number status tasks { id bin { code } sku quantity pickedQuantity status sequence fulfillmentOrder { id number } } } userErrors { field message code } } }`
export const CONFIRM_PICK = /* GraphQL */ `mutation ($input: ConfirmPickInput!) { confirmPick(input: $input) { pickTask { id status pickedQuantity } readyToPack short { exception { type ownerRole } reallocatedSameNode reallocatedOtherNodes fromSafetyStock backordered } userErrors { field message code } } }`
export const VERIFY_PACK = /* GraphQL */ `mutation ($input: VerifyPackInput!) { verifyPack(input: $input) { fulfillmentOrder { id status } verification { result mismatches { sku picked scanned } } userErrors { field message code } } }`
export const CONFIRM_SHIPMENT = /* GraphQL */ `mutation ($input: ConfirmShipmentInput!) { confirmShipment(input: $input) { shipment { id trackingNumber status projectedDeliveryAt order { status } } userErrors { field message code } } }`
export const RECORD_CARRIER_EVENT = /* GraphQL */ `mutation ($input: RecordCarrierEventInput!) { recordCarrierEvent(input: $input) { shipment { status } duplicate applied userErrors { field message code } } }`

/** Places an order (all lines allocated at `node`) and releases it: its fulfillment order is RELEASED. */
export async function createReleasedOrder(app: TestApp, channel: string, node: string, lines: LineSpec[], overrides: Record<string, unknown> = {}) {
  const placed = await placeOrder(app, orderInput(channel, lines, overrides))
  if (placed.order?.status !== 'ALLOCATED') throw new Error(`expected ALLOCATED, got ${JSON.stringify(placed)}`)
  const released = await ok(app, RELEASE, { input: { locationCode: node, limit: 1000 } }, 'releaseOrders')
  expect(released.released.length).toBeGreaterThan(0)
  return placed.order as { id: string; number: string }
}

/** A released order waved, every task picked in full and the parcel verified: its fulfillment order is PACKED. */
export async function createPackedOrder(app: TestApp, channel: string, node: string, lines: LineSpec[], overrides: Record<string, unknown> = {}) {
  const order = await createReleasedOrder(app, channel, node, lines, overrides)
  const wave = (await ok(app, CREATE_WAVE, { input: { locationCode: node } }, 'createPickWave')).pickWave
  const tasks = wave.tasks.filter((t: any) => t.fulfillmentOrder.number && t.status === 'OPEN')
  const foId = await fulfillmentOrderId(app, order.number)
  const mine = tasks.filter((t: any) => t.fulfillmentOrder.id === foId)
  for (const task of mine) await ok(app, CONFIRM_PICK, { input: { taskId: task.id, pickedQuantity: task.quantity } }, 'confirmPick')
  const scanned = lines.map((l) => ({ sku: l.sku, quantity: l.quantity }))
  await ok(app, VERIFY_PACK, { input: { fulfillmentOrderId: foId, scannedItems: scanned } }, 'verifyPack')
  return { order, fulfillmentOrderId: foId }
}

/** A packed order shipped with `carrier`/`service` (which must exist): the order is SHIPPED. */
export async function createShippedOrder(app: TestApp, channel: string, node: string, lines: LineSpec[], carrier = 'UPS', service = 'GROUND', overrides: Record<string, unknown> = {}) {
  const packed = await createPackedOrder(app, channel, node, lines, overrides)
  const trackingNumber = uniqueCode('1Z')
  const shipment = (await ok(app, CONFIRM_SHIPMENT, { input: { fulfillmentOrderId: packed.fulfillmentOrderId, carrier, service, trackingNumber, weightGrams: 900 } }, 'confirmShipment')).shipment
  return { ...packed, shipment, trackingNumber }
}

/** A shipped order the carrier reports DELIVERED: the order is DELIVERED. */
export async function createDeliveredOrder(app: TestApp, channel: string, node: string, lines: LineSpec[]) {
  const shipped = await createShippedOrder(app, channel, node, lines)
  await ok(app, RECORD_CARRIER_EVENT, { input: { trackingNumber: shipped.trackingNumber, status: 'DELIVERED', occurredAt: new Date(Date.now() + 1000).toISOString(), location: 'Front door' } }, 'recordCarrierEvent')
  return shipped
}

export async function fulfillmentOrderId(app: TestApp, orderNumber: string): Promise<string> {
  const res = await app.gql(`query ($n: String!) { order(number: $n) { fulfillmentOrders { id } } }`, { n: orderNumber }, { role: 'OPERATIONS' })
  return res.data.order.fulfillmentOrders[0].id
}
