import { reconcileLedger } from '@ops-hub/domain'
import { builder } from '../../builder.ts'
import { requireActor, runMutation, UserError } from '../../errors.ts'
import { StockPosition } from './stock-position.ts'

const LedgerMismatchType = builder.simpleObject('LedgerMismatch', {
  fields: (t) => ({
    stockPosition: t.field({ type: StockPosition }),
    expected: t.field({ type: 'JSON', description: 'Buckets as the ledger derives them.' }),
    actual: t.field({ type: 'JSON', description: 'Buckets as stored on the position.' }),
  }),
})

const ReconcileLedgerPayload = builder.simpleObject('ReconcileLedgerPayload', {
  fields: (t) => ({
    positionsChecked: t.int({ nullable: true }),
    mismatches: t.field({ type: [LedgerMismatchType], nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationField('reconcileLedger', (t) =>
  t.field({
    type: ReconcileLedgerPayload,
    description: 'Re-derives every stock position from the ledger; each mismatch opens a LEDGER_MISMATCH exception. Also runs nightly.',
    authScopes: { roles: ['FINANCE'] },
    resolve: (_r, _a, ctx) =>
      runMutation(ctx, (tx) => reconcileLedger(tx, {}, requireActor(ctx)), async (r) => {
        const rows = await ctx.prisma.stockPosition.findMany({ where: { id: { in: r.mismatches.map((m) => m.stockPositionId) } } })
        const byId = new Map(rows.map((p) => [p.id, p]))
        return {
          positionsChecked: r.positionsChecked,
          mismatches: r.mismatches.map((m) => ({ stockPosition: byId.get(m.stockPositionId)!, expected: m.expected, actual: m.actual })),
        }
      }),
  }),
)
