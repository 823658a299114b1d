import { z } from 'zod'
import type { PrismaClient, Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { DomainError, userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'
import { SETTING_DEFAULTS } from '../../settings/settings.ts'
import { allocationContextSql, LOW_CONFIDENCE_BUFFER, promisableUnits, sellableUnits, type AllocationContext } from '../../orders/allocate-order.ts'
import { channelLimit } from '../allocation-rules.ts'

export const availableToSellInput = z.object({
  skus: z.array(codeSchema).min(1, 'Name at least one SKU').max(250, 'At most 250 SKUs per request'),
  /** A partner's own channel when omitted. */
  channelCode: codeSchema.nullish(),
})

export interface NodeAvailability {
  locationId: number
  locationCode: string
  /** The book: on hand - reserved - safety stock - damaged - QC, never negative. */
  available: number
  confidence: number
  /** Confidence below the threshold: LOW_CONFIDENCE_BUFFER of the available units are not promised. */
  lowConfidence: boolean
  bufferUnits: number
  /** What this node may promise to the channel: its promisable units, within the channel's limit. */
  promisable: number
}

export interface ChannelSkuAvailability {
  sku: string
  skuId: number
  channelCode: string
  /** What the channel may promise now: the nodes' promisable units, within what the channel's rules leave it. */
  availableToSell: number
  /** Units the channel may still reserve under allocation rules (other channels' pools fenced, its own cap). */
  channelLimit: number
  /** Sum of the nodes' promisable units before the channel's rules. */
  promisable: number
  nodes: NodeAvailability[]
  /** How the channel's rules limited it, one sentence per rule. */
  notes: string[]
  confidenceThreshold: number
  lowConfidenceBuffer: number
}

/**
 * What a channel may promise of each SKU now - the figure a marketplace should show so that it never oversells - by
 * the same rules as allocation: per fulfilment node, the available units (less LOW_CONFIDENCE_BUFFER where confidence is
 * below the threshold); across nodes, within `channelLimit` (other channels' reserved pools fenced off, this channel's
 * percentage cap). A bundle sells as many as its scarcest component allows. A partner may only ask for its own channel.
 */
export async function availableToSell(db: Tx | PrismaClient, rawInput: z.input<typeof availableToSellInput>, actor: Actor, now = new Date()): Promise<ChannelSkuAvailability[]> {
  const input = parseInput(availableToSellInput, rawInput)
  const channelCode = input.channelCode ?? (actor.role === 'PARTNER' ? actor.channelCode : null)
  if (!channelCode) throw userError('INVALID_INPUT', 'Name the channel (channelCode)', ['channelCode'])
  if (actor.role === 'PARTNER' && channelCode !== actor.channelCode) {
    throw userError('FORBIDDEN', 'A partner may only read what its own channel may sell', ['channelCode'])
  }
  const channel = await db.channel.findUnique({ where: { code: channelCode } })
  if (!channel || !channel.active) throw userError('NOT_FOUND', `Unknown or inactive channel ${channelCode}`, ['channelCode'])
  const codes = [...new Set(input.skus)]
  const skus = await db.sku.findMany({
    where: { code: { in: codes } },
    select: { id: true, code: true, isBundle: true, components: { orderBy: { componentSkuId: 'asc' }, select: { componentSkuId: true, quantity: true, component: { select: { code: true } } } } },
  })
  const unknown = codes.filter((c) => !skus.some((s) => s.code === c))
  if (unknown.length) throw new DomainError(unknown.map((c) => ({ code: 'NOT_FOUND' as const, message: `Unknown SKU ${c}`, field: ['skus', String(input.skus.indexOf(c))] })))
  // A bundle has no stock of its own: it sells as many as its scarcest component allows (intake explodes it into them).
  const skuIds = [...new Set(skus.flatMap((s) => (s.isBundle ? s.components.map((c) => c.componentSkuId) : [s.id])))].sort((a, b) => a - b)

  // The same read as allocation (rules, threshold, positions at active fulfilment nodes), without its locks: a
  // figure for display, which the next reservation re-checks under lock.
  const [{ context }] = await db.$queryRaw<Array<{ context: AllocationContext }>>`SELECT ${allocationContextSql(skuIds, now)} AS context`
  const counters = await db.channelReservation.findMany({ where: { skuId: { in: skuIds } }, select: { channelId: true, skuId: true, reserved: true } })
  const threshold = Number(context.threshold ?? SETTING_DEFAULTS['inventory.confidenceThreshold'])

  const single = (code: string, skuId: number): ChannelSkuAvailability => {
    const positions = context.positions.filter((p) => p.sku_id === skuId)
    const reservedByChannel = new Map(counters.filter((c) => c.skuId === skuId).map((c) => [c.channelId, c.reserved]))
    const nodes = positions.map((p) => {
      const available = Math.max(0, p.on_hand - p.reserved - p.safety_stock - p.damaged - p.quality_control)
      const lowConfidence = p.confidence < threshold
      const promisable = Math.max(0, promisableUnits(available, lowConfidence))
      return { locationId: p.location_id, locationCode: p.code, available, confidence: p.confidence, lowConfidence, bufferUnits: available - promisable, promisable }
    })
    const limit = channelLimit({
      channelId: channel.id,
      skuId,
      rules: context.rules,
      sellable: positions.reduce((s, p) => s + sellableUnits(p), 0),
      available: nodes.reduce((s, n) => s + n.available, 0),
      reservedByChannel,
    })
    const promisable = nodes.reduce((s, n) => s + n.promisable, 0)
    const total = Math.min(promisable, limit.limit)
    return {
      sku: code,
      skuId,
      channelCode,
      availableToSell: total,
      channelLimit: limit.limit,
      promisable,
      nodes: nodes.map((n) => ({ ...n, promisable: Math.min(n.promisable, total) })),
      notes: limit.notes,
      confidenceThreshold: threshold,
      lowConfidenceBuffer: LOW_CONFIDENCE_BUFFER,
    }
  }

  return codes.map((code) => {
    const sku = skus.find((s) => s.code === code)!
    if (!sku.isBundle) return single(code, sku.id)
    const parts = sku.components.map((c) => ({ ...c, row: single(c.component.code, c.componentSkuId) }))
    const sets = (units: (row: ChannelSkuAvailability) => number) =>
      parts.length ? Math.min(...parts.map((p) => Math.floor(units(p.row) / p.quantity))) : 0
    return {
      sku: code,
      skuId: sku.id,
      channelCode,
      availableToSell: sets((r) => r.availableToSell),
      channelLimit: sets((r) => r.channelLimit),
      promisable: sets((r) => r.promisable),
      // Nodes hold components, not bundles: each component's row answers for its own nodes.
      nodes: [],
      notes: [
        `A bundle: as many as its scarcest component allows (${parts.map((p) => `${p.quantity} x ${p.component.code}: ${p.row.availableToSell} available to sell`).join('; ')})`,
        ...parts.flatMap((p) => p.row.notes.map((n) => `${p.component.code}: ${n}`)),
      ],
      confidenceThreshold: threshold,
      lowConfidenceBuffer: LOW_CONFIDENCE_BUFFER,
    }
  })
}
