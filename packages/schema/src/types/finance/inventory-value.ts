import { INVENTORY_VALUE_GROUP_BY, inventoryValue, type BucketValue, type InventoryValueReport, type InventoryValueRow } from '@ops-hub/analytics'
import type { Role } from '@ops-hub/db'
import { builder } from '../../builder.ts'

/** Money on the Finance and Executive views; operations and procurement manage the stock it is the value of. */
export const INVENTORY_VALUE_ROLES: Role[] = ['FINANCE', 'EXECUTIVE', 'OPERATIONS', 'PROCUREMENT']

const InventoryValueGroupByEnum = builder.enumType('InventoryValueGroupBy', { values: INVENTORY_VALUE_GROUP_BY })

const BucketValueRef = builder.objectRef<BucketValue>('BucketValue').implement({
  description: 'Units of a stock bucket and their value at the SKUs’ unit cost.',
  fields: (t) => ({
    units: t.exposeInt('units'),
    value: t.field({ type: 'Decimal', resolve: (b) => b.value }),
  }),
})

const InventoryValueRowRef = builder.objectRef<InventoryValueRow>('InventoryValueRow').implement({
  fields: (t) => ({
    key: t.exposeString('key', { description: "Node code, ABC class or product category; 'TOTAL' on the total row." }),
    label: t.exposeString('label'),
    positions: t.exposeInt('positions', { description: 'Stock positions (SKU x node) counted.' }),
    onHand: t.field({ type: BucketValueRef, description: 'Every unit physically there: sellable + damaged + quality control.', resolve: (r) => r.onHand }),
    sellable: t.field({ type: BucketValueRef, description: 'On hand less damaged and quality control (reserved units included: they are still ours until shipped).', resolve: (r) => r.sellable }),
    damaged: t.field({ type: BucketValueRef, resolve: (r) => r.damaged }),
    qualityControl: t.field({ type: BucketValueRef, resolve: (r) => r.qualityControl }),
    inTransit: t.field({ type: BucketValueRef, description: 'On transfers between nodes, not yet received.', resolve: (r) => r.inTransit }),
    incoming: t.field({ type: BucketValueRef, description: 'On open purchase orders, not yet received (valued at the SKU’s unit cost).', resolve: (r) => r.incoming }),
  }),
})

const InventoryValueReportRef = builder.objectRef<InventoryValueReport>('InventoryValueReport').implement({
  fields: (t) => ({
    asOf: t.field({ type: 'DateTime', resolve: (r) => r.asOf }),
    groupBy: t.field({ type: InventoryValueGroupByEnum, resolve: (r) => r.groupBy }),
    locationCode: t.exposeString('locationCode', { nullable: true }),
    rows: t.field({ type: [InventoryValueRowRef], resolve: (r) => r.rows }),
    total: t.field({ type: InventoryValueRowRef, resolve: (r) => r.total }),
  }),
})

builder.queryField('inventoryValue', (t) =>
  t.field({
    type: InventoryValueReportRef,
    authScopes: { roles: INVENTORY_VALUE_ROLES },
    description: 'What the stock is worth now, per bucket, at each SKU’s unit cost: by node, ABC class or product category, with the total.',
    args: {
      groupBy: t.arg({ type: InventoryValueGroupByEnum, required: false, defaultValue: 'NODE' }),
      locationCode: t.arg.string({ required: false }),
    },
    resolve: (_root, args, ctx) => inventoryValue(ctx.prisma, args),
  }),
)
