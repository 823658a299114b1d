import { builder } from '../../builder.ts'

// Warehouse execution seen from the fulfillment order: its wave, tasks, pack checks and shipments.
builder.prismaObjectFields('FulfillmentOrder', (t) => ({
  pickWave: t.relation('pickWave', { nullable: true }),
  pickTasks: t.relation('pickTasks', { description: 'In walk order.', query: { orderBy: [{ sequence: 'asc' }, { id: 'asc' }] } }),
  packVerifications: t.relation('packVerifications', { query: { orderBy: { id: 'asc' } } }),
  packedAt: t.expose('packedAt', { type: 'DateTime', nullable: true }),
  shippedAt: t.expose('shippedAt', { type: 'DateTime', nullable: true }),
  shipments: t.relation('shipments', { query: { orderBy: { id: 'asc' } } }),
}))
