import { Prisma } from '@ops-hub/db'
import { SETTING_DEFAULTS } from '../../settings/settings.ts'
import { allocationContextSql, type AllocationContext } from '../allocate-order.ts'
import type { IntakeSnapshot, PlaceOrderInput } from './plan-order.ts'

/**
 * Everything a batch of orders needs before any write, in ONE read (no lock, no transaction): the channels, which
 * (channel, external id) pairs are already orders, the SKUs, the fraud threshold, and the allocation context of
 * all the batch's SKUs (rules, holidays, confidence threshold, positions with their nodes' release counts).
 * The write statement re-checks on the rows what can have changed since (write-orders.ts).
 */
export function readIntakeSql(inputs: PlaceOrderInput[], now: Date): Prisma.Sql {
  const skuCodes = [...new Set(inputs.flatMap((i) => i.lines.map((l) => l.sku)))]
  const channelCodes = inputs.map((i) => i.channelCode)
  const externalIds = inputs.map((i) => i.externalId)
  return Prisma.sql`
    SELECT
      (SELECT COALESCE(json_agg(json_build_object('id', c.id, 'code', c.code, 'name', c.name, 'active', c.active)), '[]'::json)
        FROM channels c WHERE c.code = ANY(${channelCodes}::text[])) AS channels,
      -- One unique-index probe per order (a join could pick a scan of orders while its statistics are stale).
      (SELECT COALESCE(json_agg(json_build_object('channel_code', k.channel_code, 'external_id', k.external_id, 'id', o.id)), '[]'::json)
        FROM unnest(${channelCodes}::text[], ${externalIds}::text[]) AS k(channel_code, external_id)
        CROSS JOIN LATERAL (SELECT o.id FROM orders o
          WHERE o.channel_id = (SELECT c.id FROM channels c WHERE c.code = k.channel_code) AND o.external_id = k.external_id) o) AS existing,
      (SELECT COALESCE(json_agg(json_build_object('id', s.id, 'code', s.code, 'active', s.active)), '[]'::json)
        FROM skus s WHERE s.code = ANY(${skuCodes}::text[])) AS skus,
      (SELECT value FROM settings WHERE key = 'orders.fraudScoreThreshold') AS fraud_score_threshold,
      ${allocationContextSql(Prisma.sql`SELECT id FROM skus WHERE code = ANY(${skuCodes}::text[])`, now)} AS context`
}

export interface IntakeRead {
  snapshot: IntakeSnapshot
  /** Order id per `${channelCode}\u0000${externalId}` already known. */
  existing: Map<string, number>
}

export const intakeKey = (channelCode: string, externalId: string) => `${channelCode}\u0000${externalId}`

export function toIntakeRead(row: Record<string, unknown>): IntakeRead {
  const channels = row.channels as Array<{ id: number; code: string; name: string; active: boolean }>
  const existing = row.existing as Array<{ channel_code: string; external_id: string; id: number }>
  const skus = row.skus as Array<{ id: number; code: string; active: boolean }>
  return {
    snapshot: {
      channels: new Map(channels.map((c) => [c.code, c])),
      skus: new Map(skus.map((s) => [s.code, s])),
      fraudScoreThreshold: Number(row.fraud_score_threshold ?? SETTING_DEFAULTS['orders.fraudScoreThreshold']),
      context: row.context as AllocationContext,
    },
    existing: new Map(existing.map((e) => [intakeKey(e.channel_code, e.external_id), e.id])),
  }
}
