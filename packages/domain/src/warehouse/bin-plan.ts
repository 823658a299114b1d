import type { Tx } from '@ops-hub/db'

export interface BinSlot {
  binId: number
  binCode: string
  sequence: number
  /** Units in the bin not yet promised to an open pick task. */
  free: number
}

/**
 * Bins at a node that hold `skuId`, in walk order (Bin.sequence, then code), with what each can still give:
 * the bin's stock minus units already claimed by open pick tasks (of any wave), so two waves never send
 * pickers to the same units.
 */
export async function binSlots(tx: Tx, locationId: number, skuId: number, excludeBinIds: number[] = []): Promise<BinSlot[]> {
  const stocks = await tx.binStock.findMany({
    where: { skuId, quantity: { gt: 0 }, bin: { locationId, active: true }, ...(excludeBinIds.length ? { binId: { notIn: excludeBinIds } } : {}) },
    select: { quantity: true, bin: { select: { id: true, code: true, sequence: true } } },
  })
  if (stocks.length === 0) return []
  const claimed = await tx.pickTask.groupBy({
    by: ['binId'],
    where: { skuId, status: 'OPEN', binId: { in: stocks.map((s) => s.bin.id) } },
    _sum: { quantity: true },
  })
  const claimedBy = new Map(claimed.map((c) => [c.binId, c._sum.quantity ?? 0]))
  return stocks
    .map((s) => ({ binId: s.bin.id, binCode: s.bin.code, sequence: s.bin.sequence, free: s.quantity - (claimedBy.get(s.bin.id) ?? 0) }))
    .sort((a, b) => a.sequence - b.sequence || a.binCode.localeCompare(b.binCode))
}

/** Splits `quantity` over bins in walk order; units no bin can cover come back as `uncovered`. */
export function planPicks(slots: BinSlot[], quantity: number): { picks: Array<{ binId: number; quantity: number }>; uncovered: number } {
  const picks: Array<{ binId: number; quantity: number }> = []
  let remaining = quantity
  for (const slot of slots) {
    if (remaining <= 0) break
    const take = Math.min(remaining, slot.free)
    if (take <= 0) continue
    picks.push({ binId: slot.binId, quantity: take })
    slot.free -= take
    remaining -= take
  }
  return { picks, uncovered: remaining }
}

/**
 * Where a picker looks for units the bin records cannot place: the first bin that ever held the SKU at the
 * node, else the node's first bin, else a DEFAULT bin created for nodes that do not manage bins. The picker
 * then confirms what is really there, and a short pick corrects the book.
 */
export async function fallbackBin(tx: Tx, locationId: number, skuId: number): Promise<number> {
  const held = await tx.binStock.findFirst({
    where: { skuId, bin: { locationId, active: true } },
    orderBy: [{ bin: { sequence: 'asc' } }, { bin: { code: 'asc' } }],
    select: { binId: true },
  })
  if (held) return held.binId
  const first = await tx.bin.findFirst({ where: { locationId, active: true }, orderBy: [{ sequence: 'asc' }, { code: 'asc' }], select: { id: true } })
  if (first) return first.id
  const bin = await tx.bin.upsert({
    where: { locationId_code: { locationId, code: 'DEFAULT' } },
    create: { locationId, code: 'DEFAULT' },
    update: {},
    select: { id: true },
  })
  return bin.id
}
