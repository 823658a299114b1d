import type { AllocationRuleKind } from '@ops-hub/db'

export interface AllocationRuleRow {
  id: number
  channelId: number
  skuId: number | null
  kind: AllocationRuleKind
  quantity: number | null
  percentage: number | null
  active: boolean
}

/** The rule of `kind` that governs (channel, sku): a SKU-specific rule beats the channel-wide one. */
export function effectiveRule(rules: AllocationRuleRow[], channelId: number, skuId: number, kind: AllocationRuleKind): AllocationRuleRow | undefined {
  const mine = rules.filter((r) => r.active && r.channelId === channelId && r.kind === kind)
  return mine.find((r) => r.skuId === skuId) ?? mine.find((r) => r.skuId === null)
}

/** Channels other than `channelId` that hold a reserved pool of `skuId`. */
export function poolOwners(rules: AllocationRuleRow[], channelId: number, skuId: number): number[] {
  const owners = new Set<number>()
  for (const r of rules) {
    if (r.channelId !== channelId && r.kind === 'RESERVED_POOL' && r.active && (r.skuId === skuId || r.skuId === null)) {
      const rule = effectiveRule(rules, r.channelId, skuId, 'RESERVED_POOL')
      if (rule && (rule.quantity ?? 0) > 0) owners.add(r.channelId)
    }
  }
  return [...owners].sort((a, b) => a - b)
}

export interface ChannelLimit {
  /** Units of the SKU this channel may reserve now (across all nodes). */
  limit: number
  notes: string[]
}

/**
 * How many units of a SKU a channel may still reserve:
 * - other channels' RESERVED_POOLs are fenced off: their unconsumed part (pool - what they hold) is not available;
 * - a PERCENTAGE_CAP lets the channel hold at most that share of the SKU's sellable stock
 *   (on hand minus safety, damaged and QC units, across active fulfilment nodes), minus what it already holds.
 */
export function channelLimit(input: {
  channelId: number
  skuId: number
  rules: AllocationRuleRow[]
  sellable: number
  available: number
  reservedByChannel: ReadonlyMap<number, number>
}): ChannelLimit {
  const notes: string[] = []
  let fenced = 0
  for (const owner of poolOwners(input.rules, input.channelId, input.skuId)) {
    const pool = effectiveRule(input.rules, owner, input.skuId, 'RESERVED_POOL')!
    const unconsumed = Math.max(0, (pool.quantity ?? 0) - (input.reservedByChannel.get(owner) ?? 0))
    if (unconsumed > 0) notes.push(`${unconsumed} units fenced for channel ${owner}'s reserved pool (rule ${pool.id})`)
    fenced += unconsumed
  }
  let limit = Math.max(0, input.available - fenced)
  const cap = effectiveRule(input.rules, input.channelId, input.skuId, 'PERCENTAGE_CAP')
  if (cap) {
    const maxHeld = Math.floor(((cap.percentage ?? 0) / 100) * input.sellable)
    const room = Math.max(0, maxHeld - (input.reservedByChannel.get(input.channelId) ?? 0))
    notes.push(`capped at ${cap.percentage}% of ${input.sellable} sellable = ${maxHeld} units, ${room} left (rule ${cap.id})`)
    limit = Math.min(limit, room)
  }
  return { limit, notes }
}
