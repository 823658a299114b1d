import { builder } from '../../builder.ts'

export const InventoryEventTypeEnum = builder.enumType('InventoryEventType', {
  description: 'What a ledger entry records.',
  values: [
    'RECEIVED', 'RESERVED', 'RELEASED', 'PICKED', 'SHIPPED', 'ADJUSTED', 'COUNTED', 'TRANSFERRED_OUT', 'TRANSFERRED_IN',
    'DAMAGED', 'QUALITY_HOLD', 'QUALITY_RELEASED', 'RETURNED', 'FEED_SYNCED', 'INCOMING_CHANGED',
  ] as const,
})

export const InventoryEvent = builder.prismaNode('InventoryEvent', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { staff: true },
  description: 'One append-only ledger entry: every bucket of a stock position is the sum of its entries\' deltas.',
  fields: (t) => ({
    type: t.expose('type', { type: InventoryEventTypeEnum }),
    reasonCode: t.exposeString('reasonCode', { nullable: true }),
    actor: t.exposeString('actor'),
    referenceDocumentUri: t.exposeString('referenceDocumentUri', { nullable: true }),
    onHandDelta: t.exposeInt('onHandDelta'),
    reservedDelta: t.exposeInt('reservedDelta'),
    damagedDelta: t.exposeInt('damagedDelta'),
    qualityControlDelta: t.exposeInt('qualityControlDelta'),
    incomingDelta: t.exposeInt('incomingDelta'),
    inTransitDelta: t.exposeInt('inTransitDelta'),
    safetyStockDelta: t.exposeInt('safetyStockDelta'),
    metadata: t.expose('metadata', { type: 'JSON', nullable: true }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    order: t.relation('order', { nullable: true }),
    stockPosition: t.relation('stockPosition'),
  }),
})
