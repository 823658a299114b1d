// Stock arrives the way goods do: an adjustInventory RECEIVED through the API (the ledger records it).
import type { TestApp } from '../test-app.ts'
import { uniqueCode } from '../unique.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku, type NodeOptions } from './catalog.ts'

/** Receives `quantity` units of `sku` at `locationCode`. */
export async function stockUp(app: TestApp, sku: string, locationCode: string, quantity: number) {
  const res = await app.gql(
    `mutation ($input: AdjustInventoryInput!) { adjustInventory(input: $input) { stockPosition { onHand available } userErrors { code message } } }`,
    { input: { sku, locationCode, quantityDelta: quantity, reason: 'RECEIVED', referenceDocumentUri: `test:receipt:${uniqueCode('R')}` } },
    { role: 'OPERATIONS' },
  )
  const payload = res.data?.adjustInventory
  if (!payload || payload.userErrors.length) throw new Error(`adjustInventory failed: ${JSON.stringify(res.errors ?? payload.userErrors)}`)
  return payload.stockPosition as { onHand: number; available: number }
}

/** A sales channel and a new SKU with `units` received at a new fulfilment node: what an order needs to allocate. */
export async function createStockedSku(app: TestApp, units: number, node: NodeOptions = {}) {
  const channel = await createSalesChannel(app)
  const nodeCode = await createFulfilmentNode(app, node)
  const sku = await createSellableSku(app)
  await stockUp(app, sku, nodeCode, units)
  return { channel, node: nodeCode, sku }
}

export async function stockPosition(app: TestApp, sku: string, locationCode: string) {
  const res = await app.gql(
    `query ($sku: String!, $loc: String!) { stockPosition(sku: $sku, locationCode: $loc) { onHand reserved available } }`,
    { sku, loc: locationCode },
    { role: 'OPERATIONS' },
  )
  return res.data.stockPosition as { onHand: number; reserved: number; available: number } | null
}
