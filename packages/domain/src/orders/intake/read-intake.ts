import { Prisma } from '@ops-hub/db'
import { SETTING_DEFAULTS } from '../../settings/settings.ts'
import { allocationContextSql, type AllocationContext } from '../allocate-order.ts'
import type { IntakeSnapshot, PlaceOrderInput } from './plan-order.ts'

/**
 * Everything a batch of orders needs before any write, in ONE read (no lock, no transaction): the channels, the
 * SKUs, the fraud threshold, the counters of channels with an allocation rule on those SKUs, and the allocation context of all the batch's SKUs (rules, holidays, confidence
 * threshold, positions with their nodes' release counts). The write statement re-checks on the rows what can have
 * changed since (write-orders.ts). Whether an order is already known is left to the write (ON CONFLICT): a lookup
 * here would run on every order to save work only on retries, and as a prepared statement its plan was fixed
 * while the orders table was small.
 */
export function readIntakeSql(inputs: PlaceOrderInput[], now: Date): Prisma.Sql {
  const skuCodes = [...new Set(inputs.flatMap((i) => i.lines.map((l) => l.sku)))]
  const channelCodes = [...new Set(inputs.map((i) => i.channelCode))]
  return Prisma.sql`
    SELECT
      (SELECT COALESCE(json_agg(json_build_object('id', c.id, 'code', c.code, 'name', c.name, 'active', c.active)), '[]'::json)
        FROM channels c WHERE c.code = ANY(${channelCodes}::text[])) AS channels,
      (SELECT COALESCE(json_agg(json_build_object('id', s.id, 'code', s.code, 'active', s.active, 'isBundle', s.is_bundle)), '[]'::json)
        FROM skus s WHERE s.code = ANY(${skuCodes}::text[])) AS skus,
      (SELECT value FROM settings WHERE key = 'orders.fraudScoreThreshold') AS fraud_score_threshold,
      (SELECT COALESCE(json_agg(json_build_object('channelId', cr.channel_id, 'skuId', cr.sku_id, 'reserved', cr.reserved)), '[]'::json)
        FROM channel_reservations cr
        WHERE cr.channel_id IN (SELECT channel_id FROM allocation_rules WHERE active AND (sku_id IS NULL OR sku_id IN (SELECT id FROM skus WHERE code = ANY(${skuCodes}::text[]))))
          AND cr.sku_id IN (SELECT id FROM skus WHERE code = ANY(${skuCodes}::text[]))) AS counters,
      ${allocationContextSql(Prisma.sql`SELECT id FROM skus WHERE code = ANY(${skuCodes}::text[])`, now)} AS context`
}

export function toIntakeSnapshot(row: Record<string, unknown>): IntakeSnapshot {
  const channels = row.channels as Array<{ id: number; code: string; name: string; active: boolean }>
  const skus = row.skus as Array<{ id: number; code: string; active: boolean; isBundle: boolean }>
  const counters = new Map<number, Map<number, number>>()
  for (const c of row.counters as Array<{ channelId: number; skuId: number; reserved: number }>) {
    if (!counters.has(c.skuId)) counters.set(c.skuId, new Map())
    counters.get(c.skuId)!.set(c.channelId, Number(c.reserved))
  }
  return {
    counters,
    channels: new Map(channels.map((c) => [c.code, c])),
    skus: new Map(skus.map((s) => [s.code, s])),
    fraudScoreThreshold: Number(row.fraud_score_threshold ?? SETTING_DEFAULTS['orders.fraudScoreThreshold']),
    context: row.context as AllocationContext,
  }
}

/** One key per (channel, external id): an order's identity. */
export const intakeKey = (channelCode: string, externalId: string) => `${channelCode}\u0000${externalId}`
