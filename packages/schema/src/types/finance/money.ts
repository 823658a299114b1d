import {
  adjustmentValue, cancelledOrderValue, purchaseCommitments, refundsIssued,
  type AdjustmentValueReport, type AdjustmentValueRow, type MoneyByKey, type MoneyReport, type PurchaseCommitmentReport, type SupplierCommitment,
} from '@ops-hub/analytics'
import type { Role } from '@ops-hub/db'
import { builder } from '../../builder.ts'
import { AdjustmentReasonEnum, InventoryBucketEnum } from '../inventory/adjustment.ts'

const FINANCE_ROLES: Role[] = ['FINANCE', 'EXECUTIVE']
const money = (description?: string) => ({ type: 'Decimal' as const, description })

const AdjustmentValueRowRef = builder.objectRef<AdjustmentValueRow>('AdjustmentValueRow').implement({
  fields: (t) => ({
    reason: t.field({ type: AdjustmentReasonEnum, resolve: (r) => r.reason }),
    bucket: t.field({ type: InventoryBucketEnum, description: 'The bucket changed: units moved into damaged or quality control stay on hand.', resolve: (r) => r.bucket }),
    adjustments: t.exposeInt('adjustments'),
    unitsAdded: t.exposeInt('unitsAdded'),
    unitsRemoved: t.exposeInt('unitsRemoved'),
    valueAdded: t.field({ ...money('Cost value booked in, at the unit cost when each adjustment was requested.'), resolve: (r) => r.valueAdded }),
    valueRemoved: t.field({ ...money(), resolve: (r) => r.valueRemoved }),
    netValue: t.field({ ...money('valueAdded - valueRemoved.'), resolve: (r) => r.netValue }),
    writeOff: t.exposeBoolean('writeOff', { description: 'Removals under this reason are write-offs (shrinkage, write-off, damage, corrections, count and feed variances).' }),
  }),
})

const AdjustmentValueReportRef = builder.objectRef<AdjustmentValueReport>('AdjustmentValueReport').implement({
  fields: (t) => ({
    from: t.field({ type: 'DateTime', resolve: (r) => r.from }),
    to: t.field({ type: 'DateTime', resolve: (r) => r.to }),
    locationCode: t.exposeString('locationCode', { nullable: true }),
    rows: t.field({ type: [AdjustmentValueRowRef], description: 'Adjustments that took effect in the window, by reason.', resolve: (r) => r.rows }),
    writtenOff: t.field({ ...money('Value removed under write-off reasons in the window.'), resolve: (r) => r.writtenOff }),
    netValue: t.field({ ...money('Net value of every adjustment in the window.'), resolve: (r) => r.netValue }),
    pendingApprovalCount: t.int({ description: 'Adjustments waiting for a second approver, whenever requested.', resolve: (r) => r.pendingApproval.adjustments }),
    pendingApprovalValue: t.field({ ...money('Net value they would move if approved.'), resolve: (r) => r.pendingApproval.netValue }),
  }),
})

const MoneyByKeyRef = builder.objectRef<MoneyByKey>('MoneyByKey').implement({
  fields: (t) => ({
    key: t.exposeString('key'),
    label: t.exposeString('label'),
    count: t.exposeInt('count'),
    amount: t.field({ ...money(), resolve: (m) => m.amount }),
  }),
})

const MoneyReportRef = builder.objectRef<MoneyReport>('MoneyReport').implement({
  fields: (t) => ({
    from: t.field({ type: 'DateTime', resolve: (r) => r.from }),
    to: t.field({ type: 'DateTime', resolve: (r) => r.to }),
    count: t.exposeInt('count'),
    amount: t.field({ ...money(), resolve: (r) => r.amount }),
    byChannel: t.field({ type: [MoneyByKeyRef], resolve: (r) => r.byChannel }),
    byReason: t.field({ type: [MoneyByKeyRef], resolve: (r) => r.byReason }),
  }),
})

const SupplierCommitmentRef = builder.objectRef<SupplierCommitment>('SupplierCommitment').implement({
  fields: (t) => ({
    supplierCode: t.exposeString('supplierCode'),
    supplierName: t.exposeString('supplierName'),
    openPurchaseOrders: t.exposeInt('openPurchaseOrders'),
    latePurchaseOrders: t.exposeInt('latePurchaseOrders', { description: 'Open POs whose expected arrival has passed.' }),
    openUnits: t.exposeInt('openUnits'),
    value: t.field({ ...money('Units still to arrive x the PO line’s unit cost.'), resolve: (s) => s.value }),
    lateValue: t.field({ ...money(), resolve: (s) => s.lateValue }),
    nextExpectedAt: t.field({ type: 'DateTime', nullable: true, resolve: (s) => s.nextExpectedAt }),
    maxDaysLate: t.exposeFloat('maxDaysLate', { description: 'Days its most overdue open PO is past its expected arrival (0 when none is late).' }),
  }),
})

const PurchaseCommitmentReportRef = builder.objectRef<PurchaseCommitmentReport>('PurchaseCommitmentReport').implement({
  fields: (t) => ({
    asOf: t.field({ type: 'DateTime', resolve: (r) => r.asOf }),
    locationCode: t.exposeString('locationCode', { nullable: true }),
    openPurchaseOrders: t.exposeInt('openPurchaseOrders'),
    latePurchaseOrders: t.exposeInt('latePurchaseOrders'),
    openUnits: t.exposeInt('openUnits'),
    value: t.field({ ...money(), resolve: (r) => r.value }),
    lateValue: t.field({ ...money(), resolve: (r) => r.lateValue }),
    bySupplier: t.field({ type: [SupplierCommitmentRef], description: 'Most late POs first, then most value.', resolve: (r) => r.bySupplier }),
  }),
})

builder.queryFields((t) => ({
  adjustmentValue: t.field({
    type: AdjustmentValueReportRef,
    authScopes: { roles: [...FINANCE_ROLES, 'OPERATIONS'] },
    description: 'Adjustment and write-off value by reason and bucket over [from, to), and what waits for approval.',
    args: { from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }), locationCode: t.arg.string({ required: false }) },
    resolve: (_root, args, ctx) => adjustmentValue(ctx.prisma, args),
  }),
  refundsIssued: t.field({
    type: MoneyReportRef,
    authScopes: { roles: [...FINANCE_ROLES, 'CUSTOMER_SERVICE'] },
    description: 'Refunds issued in [from, to): count and amount, by channel and by return reason.',
    args: { from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }) },
    resolve: (_root, args, ctx) => refundsIssued(ctx.prisma, args),
  }),
  cancelledOrderValue: t.field({
    type: MoneyReportRef,
    authScopes: { roles: FINANCE_ROLES },
    description: 'Orders cancelled in [from, to) and the value they would have sold, by channel and by reason.',
    args: { from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }) },
    resolve: (_root, args, ctx) => cancelledOrderValue(ctx.prisma, args),
  }),
  purchaseCommitments: t.field({
    type: PurchaseCommitmentReportRef,
    authScopes: { roles: [...FINANCE_ROLES, 'PROCUREMENT'] },
    description: 'Open purchase commitments (approved or sent, not yet received) per supplier, with the late ones.',
    args: { locationCode: t.arg.string({ required: false }) },
    resolve: (_root, args, ctx) => purchaseCommitments(ctx.prisma, args),
  }),
}))
