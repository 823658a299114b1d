import type { ConfidenceFactor } from '@ops-hub/domain'
import { builder } from '../../builder.ts'

const ConfidenceFactorType = builder.simpleObject('StockConfidenceFactor', {
  description: 'One input of a confidence score: value 0..1 (1 = no doubt) and its weight.',
  fields: (t) => ({
    name: t.string({ description: 'countAge, countVariance, sourceFreshness (3PL only), unreconciled, manualAdjustments.' }),
    value: t.float(),
    weight: t.float(),
    explanation: t.string(),
  }),
})

export const StockConfidence = builder.simpleObject('StockConfidence', {
  description:
    'How far the book can be trusted for this position: a weighted geometric mean of its factors. Aggregates per location ' +
    'and overall: Query.inventoryConfidence (live metrics), which reads the same stored score.',
  fields: (t) => ({
    score: t.float(),
    factors: t.field({ type: [ConfidenceFactorType] }),
    updatedAt: t.field({ type: 'DateTime', nullable: true }),
    belowThreshold: t.boolean({ description: 'Below inventory.confidenceThreshold: orchestration will not promise it plainly.' }),
  }),
})

builder.prismaObjectFields('StockPosition', (t) => ({
  confidence: t.field({
    type: StockConfidence,
    select: { confidence: true, confidenceFactors: true, confidenceUpdatedAt: true },
    resolve: async (p, _a, ctx) => {
      const threshold = Number((await ctx.prisma.setting.findUnique({ where: { key: 'inventory.confidenceThreshold' } }))?.value ?? 0.6)
      return {
        score: p.confidence,
        factors: (p.confidenceFactors as ConfidenceFactor[] | null) ?? [],
        updatedAt: p.confidenceUpdatedAt,
        belowThreshold: p.confidence < threshold,
      }
    },
  }),
}))
