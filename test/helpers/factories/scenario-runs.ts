// Finished scenario runs for views that only read them (the layout test): recorded through the same domain commands
// the runner uses, in one transaction, so no runner claims them half-way.
import type { Database } from '@ops-hub/db'
import { claimScenarioRun, finishScenarioRun, inTransaction, startScenarioRun, systemActor, type ScenarioReport } from '@ops-hub/domain'
import { seededRandom } from '../seeded-random.ts'

/** A report of the simulator's shape over `days` days (figures drawn from a seed, not simulated). */
export function scenarioReportOfShape(days: number, seed = 1): ScenarioReport {
  const random = seededRandom(seed)
  const policy = (quality: number) => ({
    kpis: {
      oversoldUnits: quality > 0.5 ? 0 : Math.round(random() * 300),
      oversoldOrders: quality > 0.5 ? 0 : Math.round(random() * 120),
      lostSalesUnits: Math.round(200 * (1 - quality)),
      cancellationRate: (1 - quality) * 0.08,
      onTimeShipmentRate: 0.8 + quality * 0.19,
      otif: 0.75 + quality * 0.2,
      lateOpenOrders: Math.round(50 * (1 - quality)),
      orderCycleTimeP50Hours: 30 - quality * 10,
      orderCycleTimeP90Hours: 70 - quality * 20,
      backorderUnits: Math.round(400 * (1 - quality)),
      inventoryRecordAccuracy: 0.95 + quality * 0.045,
      stockoutDays: Math.round(60 * (1 - quality)),
      latePurchaseOrders: 3,
      manualAdjustments: Math.round(80 * (1 - quality)),
      exceptionsByType: { FEED_DISCREPANCY: Math.round(random() * 40), PAYMENT_HOLD: 11, SHORT_PICK: Math.round(random() * 25), STOCK_SHORTAGE: Math.round(random() * 30) },
    },
    daily: Array.from({ length: days }, (_, i) => {
      const promo = i >= 10 && i < 17 ? 3 : 1
      const orders = Math.round(180 * promo * (0.9 + random() * 0.2))
      return {
        day: new Date(Date.UTC(2026, 2, 2 + i)).toISOString().slice(0, 10),
        customers: orders + Math.round(orders * 0.05 * (1 - quality)),
        orders,
        backlog: Math.round(60 * promo * (1.5 - quality)),
        cancellations: Math.round(promo * 8 * (1 - quality) * random()),
        onTimeRate: Math.min(1, 0.78 + quality * 0.2 + random() * 0.02),
      }
    }),
  })
  return {
    scenario: 'promo-spike',
    params: { scenario: 'promo-spike', days, seed, promoMultiplier: 3, feedIntervalHours: 4, supplierDelayDays: 5 },
    hub: policy(0.95),
    naive: policy(0.2),
  }
}

export async function createSucceededScenarioRun(db: Database, days = 30, seed = 1) {
  return inTransaction(db.prisma, async (tx) => {
    const queued = await startScenarioRun(tx, { days, seed, promoMultiplier: 3, feedIntervalHours: 4, supplierDelayDays: 5 }, systemActor)
    const claimed = await claimScenarioRun(tx, { runnerId: 'test:factory' })
    if (claimed?.id !== queued.id) throw new Error('another run was queued: the factory expects none')
    return finishScenarioRun(tx, { runId: queued.id, report: scenarioReportOfShape(days, seed), by: 'test:factory' })
  })
}
