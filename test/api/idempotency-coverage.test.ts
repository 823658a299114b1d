import { describe, expect, it } from 'vitest'
import { getNamedType, isInputObjectType } from 'graphql'
import { schema } from '@ops-hub/schema'

/**
 * Every mutation, classified. Whether a mutation moves stock or money cannot be read from the schema, so it is
 * written down here, once, by whoever adds the mutation:
 * - 'moves': it moves stock or money, or creates a document that will (a transfer, an RMA, an order): a retry must
 *   not apply it twice, so it takes `idempotencyKey` and runs through idempotent() (see runKeyedMutation);
 * - a sentence: why it moves neither (or why a retry of it is harmless without a key).
 * The list in README.md ("Idempotency") names the 'moves' mutations.
 */
const MUTATIONS: Record<string, 'moves' | string> = {
  adjustInventory: 'moves',
  writeOffDamaged: 'moves',
  approveAdjustment: 'moves',
  rejectAdjustment: 'moves', // shares its input with approveAdjustment, so it is keyed too
  segregateStock: 'moves',
  putAwayStock: 'moves',
  requestTransfer: 'moves',
  approveTransfer: 'moves', // the transfer inputs are shared: every transfer step is keyed
  rejectTransfer: 'moves',
  cancelTransfer: 'moves',
  shipTransfer: 'moves',
  receiveTransfer: 'moves',
  recordCount: 'moves',
  importInventoryFeed: 'moves',
  approveFeedDiscrepancy: 'moves',
  rejectFeedDiscrepancy: 'moves',
  placeOrder: 'moves',
  releaseHold: 'moves',
  cancelOrder: 'moves',
  confirmPick: 'moves',
  confirmShipment: 'moves',
  requestReturn: 'moves',
  receiveReturn: 'moves',
  inspectReturnLine: 'moves',
  issueRefund: 'moves',
  updateOrderPayment: 'moves',
  cancelOrderLines: 'moves',
  moveFulfillmentOrder: 'moves',
  mergeFulfillmentOrders: 'moves', // folds reservations of one order into one fulfillment order: keyed like a move
  updateOrderShipTo: 'moves', // may hand reservations back and route the order again
  approveReplenishmentSuggestions: 'moves', // commits money: the suggestions become purchase orders
  sendPurchaseOrder: 'moves', // raises incoming stock and commits money with the supplier
  cancelPurchaseOrder: 'moves', // gives incoming stock back
  receivePurchaseOrder: 'moves',

  assignException: 'assigns an owner; the same call twice leaves the same owner',
  resolveException: 'closes an exception; a second call is an illegal transition, nothing moves',
  createApiKey: 'access management; no stock or money',
  revokeApiKey: 'access management; revoking twice changes nothing',
  createBin: 'network master data; the unique bin code refuses a duplicate',
  createChannel: 'master data; the unique channel code refuses a duplicate',
  createLocation: 'master data; the unique location code refuses a duplicate',
  createSku: 'catalog master data; the unique SKU code refuses a duplicate',
  setAllocationRule: 'an upsert of a rule: the same call twice leaves the same rule',
  removeAllocationRule: 'removes a rule; removing twice changes nothing',
  upsertCarrierService: 'an upsert of carrier master data',
  createPickWave: 'groups released work into tasks; no stock moves, and orders already in a wave are skipped',
  verifyPack: 'compares scanned against expected; no stock moves',
  handToCarrier: 'a shipment milestone; no stock moves (units left at confirmShipment)',
  recordCarrierEvent: 'a carrier milestone, deduplicated by (shipment, status, occurredAt)',
  releaseOrders: 'releases work to the warehouse by capacity; no stock moves',
  scheduleCycleCounts: 'schedules counts; existing open counts are not duplicated',
  reconcileLedger: 'reads the ledger against the positions and reports; moves nothing',
  createWebhookSubscription: 'integration settings; no stock or money',
  deleteWebhookSubscription: 'integration settings; deleting twice changes nothing',
  setWebhookSubscriptionActive: 'integration settings; the same call twice leaves the same state',
  redeliverWebhook: 'queues a delivery again; receivers deduplicate by the delivery id',
  allocateBackorders: 'serves what still waits from stock available now; a second run finds those lines served and reserves nothing for them twice',
  placeHold: 'holds an order by hand; a second hold is refused (ILLEGAL_TRANSITION) and no stock moves',
  configureNodeAutomation: 'node settings; the same call twice leaves the same settings',
  setBundleComponents: 'catalog master data; the same components twice leave the same bundle',
  createSupplier: 'supplier master data; the unique supplier code refuses a duplicate',
  upsertSupplierSku: 'an upsert of sourcing terms: the same call twice leaves the same terms',
  generateReplenishmentSuggestions: 'plans from the current book; at most one OPEN suggestion per SKU x node, regenerating updates it',
  rejectReplenishmentSuggestion: 'a decision on an OPEN suggestion; a second is ILLEGAL_TRANSITION, nothing moves',
  submitPurchaseOrder: 'a state change of a draft; a second submit is ILLEGAL_TRANSITION, no stock or money moves until it is sent',
  approvePurchaseOrder: "a second person's approval; a second approve is ILLEGAL_TRANSITION, no stock or money moves until it is sent",
  startScenarioRun:
    'queues a simulation on a database of its own; no stock or money moves. It still takes idempotencyKey (through idempotent()) so a retried click queues one run, not two',
  cancelScenarioRun:
    'a state change of a queued or running simulation; a second cancel is ILLEGAL_TRANSITION and nothing moves. It takes idempotencyKey (through idempotent()) so a retried click replays',
  registerPersistedOperation: 'adds a document to the allow-list by its hash; the same document twice is the same entry',
}

const mutationType = schema.getMutationType()!

describe('idempotency keys on every mutation that moves stock or money', () => {
  it('every mutation is classified (a new one fails here until its author classifies it)', () => {
    const unclassified = Object.keys(mutationType.getFields()).filter((name) => !(name in MUTATIONS))
    expect(
      unclassified,
      `Classify these mutations in test/api/idempotency-coverage.test.ts: 'moves' if they move stock or money (then they take ` +
        `idempotencyKey and run through runKeyedMutation/idempotent()), else a sentence saying why not`,
    ).toEqual([])
  })

  it('every mutation that moves stock or money takes idempotencyKey: String in its input', () => {
    const missing = Object.entries(MUTATIONS)
      .filter(([name, kind]) => kind === 'moves' && mutationType.getFields()[name])
      .filter(([name]) => {
        const input = mutationType.getFields()[name].args.find((a) => a.name === 'input')
        const type = input && getNamedType(input.type)
        const key = type && isInputObjectType(type) ? type.getFields().idempotencyKey : undefined
        return !key || String(key.type) !== 'String'
      })
      .map(([name]) => name)
    expect(missing, 'these mutations move stock or money but take no optional idempotencyKey: String in their input').toEqual([])
  })

  it('lists no mutation that no longer exists', () => {
    expect(Object.keys(MUTATIONS).filter((name) => !mutationType.getFields()[name])).toEqual([])
  })
})
