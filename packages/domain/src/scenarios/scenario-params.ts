import { z } from 'zod'

/** Scenarios the simulator knows (`npm run simulate -- --scenario <name>`). */
export const SCENARIOS = ['promo-spike'] as const
export type ScenarioName = (typeof SCENARIOS)[number]

/**
 * What a run may ask of the simulator. The bounds keep one run within minutes on the machine that runs it (60 days at
 * ten times normal volume is already the largest) and within what the scenario models (a 3PL file at least hourly and
 * at most every two days, a supplier at most a month late).
 */
export const scenarioParamsSchema = z.object({
  scenario: z.enum(SCENARIOS).default('promo-spike'),
  days: z.number().int('days must be a whole number').min(1, 'days must be at least 1').max(60, 'days must be at most 60'),
  seed: z.number().int('seed must be a whole number').min(0, 'seed must be at least 0').max(2_147_483_647, 'seed must fit in 32 bits'),
  promoMultiplier: z.number().min(1, 'promoMultiplier must be at least 1').max(10, 'promoMultiplier must be at most 10'),
  feedIntervalHours: z.number().int('feedIntervalHours must be a whole number').min(1, 'feedIntervalHours must be at least 1').max(48, 'feedIntervalHours must be at most 48'),
  supplierDelayDays: z.number().int('supplierDelayDays must be a whole number').min(0, 'supplierDelayDays must be at least 0').max(30, 'supplierDelayDays must be at most 30'),
})

export type ScenarioParams = z.infer<typeof scenarioParamsSchema>

/** The simulator's command-line arguments for a run (its CLI contract: `--progress-json` for NDJSON progress). */
export function simulatorArgs(params: ScenarioParams): string[] {
  return [
    '--scenario', params.scenario,
    '--days', String(params.days),
    '--seed', String(params.seed),
    '--promo-multiplier', String(params.promoMultiplier),
    '--feed-hours', String(params.feedIntervalHours),
    '--supplier-delay-days', String(params.supplierDelayDays),
    '--progress-json',
  ]
}
