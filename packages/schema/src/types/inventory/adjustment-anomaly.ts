import { ANOMALY_FLAGS, type AnomalyEvidence, type AnomalyFlag } from '@ops-hub/domain'
import { builder } from '../../builder.ts'

export const AdjustmentAnomalyFlagEnum = builder.enumType('AdjustmentAnomalyFlag', {
  description: 'A trait that makes a manual adjustment worth a second look (settings inventory.anomaly hold every threshold).',
  values: {
    SIZE_OUTLIER: {
      value: 'SIZE_OUTLIER',
      description:
        'Its size is out of pattern for the SKU: |M| > zThreshold (3.5), M = 0.6745 (size - median) / MAD over the SKU’s earlier manual adjustments ' +
        '(at least minHistory of them; Iglewicz and Hoaglin).',
    },
    REPEATED_NEGATIVE: { value: 'REPEATED_NEGATIVE', description: 'A write-down by someone with repeatCount or more write-downs within repeatHours.' },
    AFTER_COUNT: { value: 'AFTER_COUNT', description: 'Made within afterCountHours of the position’s last count, which should have settled it.' },
    OFF_HOURS: { value: 'OFF_HOURS', description: 'Made outside the location’s working hours [workdayStartHour, workdayEndHour) in its time zone.' },
  } satisfies Record<AnomalyFlag, { value: AnomalyFlag; description: string }>,
})

const RobustZMethodEnum = builder.enumType('RobustZMethod', {
  description: 'How the robust z-score was scaled.',
  values: {
    MAD: { value: 'MAD', description: 'M = 0.6745 (size - median) / MAD.' },
    MEAN_ABSOLUTE_DEVIATION: { value: 'MEAN_ABSOLUTE_DEVIATION', description: 'MAD was 0: M = (size - median) / (1.2533 x mean absolute deviation).' },
    IDENTICAL_HISTORY: { value: 'IDENTICAL_HISTORY', description: 'Every earlier size was the same: M = 0 for that size, +-10 for any other.' },
  },
})

type AnomalyView = { score: number | null; flags: AnomalyFlag[]; robustZ: number | null; evidence: AnomalyEvidence | null }

const AdjustmentAnomaly = builder.objectRef<AnomalyView>('AdjustmentAnomaly').implement({
  description:
    'Why an adjustment was (or was not) flagged, with every input: the robust z-score and its median and MAD, the actor’s recent write-downs, ' +
    'hours since the last count and the local hour, each beside the threshold of its rule.',
  fields: (t) => ({
    score: t.exposeFloat('score', { nullable: true, description: '0..1: 1 - product of (1 - part) over the traits found (size part |M| / (2 x zThreshold), capped at 1; 0.5, 0.4, 0.3 for the others).' }),
    flags: t.field({ type: [AdjustmentAnomalyFlagEnum], resolve: (a) => a.flags }),
    robustZ: t.exposeFloat('robustZ', { nullable: true, description: 'M; null when the SKU had fewer than minHistory earlier manual adjustments.' }),
    size: t.int({ nullable: true, resolve: (a) => a.evidence?.size ?? null, description: '|quantityDelta|.' }),
    historySize: t.int({ nullable: true, resolve: (a) => a.evidence?.historySize ?? null, description: 'Earlier manual adjustments of the SKU compared against.' }),
    median: t.float({ nullable: true, resolve: (a) => a.evidence?.median ?? null }),
    mad: t.float({ nullable: true, resolve: (a) => a.evidence?.mad ?? null, description: 'Median absolute deviation of the earlier sizes.' }),
    meanAbsoluteDeviation: t.float({ nullable: true, resolve: (a) => a.evidence?.meanAbsoluteDeviation ?? null }),
    robustZMethod: t.field({ type: RobustZMethodEnum, nullable: true, resolve: (a) => a.evidence?.robustZMethod ?? null }),
    zThreshold: t.float({ nullable: true, resolve: (a) => a.evidence?.zThreshold ?? null }),
    actorNegativeCount: t.int({ nullable: true, resolve: (a) => a.evidence?.actorNegativeCount ?? null, description: 'The requester’s write-downs within repeatHours, this one included.' }),
    repeatCount: t.int({ nullable: true, resolve: (a) => a.evidence?.repeatCount ?? null }),
    hoursSinceCount: t.float({ nullable: true, resolve: (a) => a.evidence?.hoursSinceCount ?? null }),
    afterCountHours: t.float({ nullable: true, resolve: (a) => a.evidence?.afterCountHours ?? null }),
    localHour: t.int({ nullable: true, resolve: (a) => a.evidence?.localHour ?? null }),
    workdayStartHour: t.int({ nullable: true, resolve: (a) => a.evidence?.workdayStartHour ?? null }),
    workdayEndHour: t.int({ nullable: true, resolve: (a) => a.evidence?.workdayEndHour ?? null }),
  }),
})

builder.prismaObjectFields('Adjustment', (t) => ({
  anomaly: t.field({
    type: AdjustmentAnomaly,
    nullable: true,
    description: 'The anomaly check of a manual adjustment and its inputs; null for receipts, counts and feeds (never judged).',
    select: { anomalyScore: true, anomalyFlags: true, anomalyRobustZ: true, anomalyEvidence: true },
    resolve: (a) =>
      a.anomalyScore === null
        ? null
        : { score: a.anomalyScore, flags: a.anomalyFlags.filter((f): f is AnomalyFlag => (ANOMALY_FLAGS as readonly string[]).includes(f)), robustZ: a.anomalyRobustZ, evidence: a.anomalyEvidence as AnomalyEvidence | null },
  }),
}))
