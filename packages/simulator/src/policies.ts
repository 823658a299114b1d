// The two policies differ only in settings and configuration of the same hub: the naive baseline is common
// practice written down (README "Scenario lab (promo-spike)"), run through the same commands.
import type { Prisma } from '@ops-hub/db'
import type { ScenarioEngine } from './engine.ts'
import type { Policy } from './params.ts'

async function setSetting(engine: ScenarioEngine, key: string, value: Prisma.InputJsonValue) {
  await engine.db.prisma.setting.upsert({ where: { key }, create: { key, value, updatedBy: 'sim:policy' }, update: { value, updatedBy: 'sim:policy' } })
}

export async function applyPolicy(engine: ScenarioEngine, policy: Policy): Promise<void> {
  if (policy === 'hub') return
  // Promise stock from the last 3PL file as if it were current: no confidence threshold, no low-confidence buffer.
  await setSetting(engine, 'inventory.confidenceThreshold', 0)
  // No channel allocation: every rule off.
  await engine.db.prisma.allocationRule.updateMany({ data: { active: false } })
}
