import { Prisma, type PrismaClient } from '@ops-hub/db'
import { checkWindow } from './money-window.ts'

export interface MoneyByKey {
  key: string
  label: string
  count: number
  amount: string
}

export interface MoneyReport {
  from: Date
  to: Date
  count: number
  amount: string
  byChannel: MoneyByKey[]
  /** Refunds: by the return reason of their lines; cancellations: by the reason given. */
  byReason: MoneyByKey[]
}

type Row = { channel: string | null; channel_name: string | null; reason: string | null; g_channel: number; g_reason: number; n: number; amount: string }

function shape(from: Date, to: Date, rows: Row[]): MoneyReport {
  const total = rows.find((r) => r.g_channel === 1 && r.g_reason === 1)
  const by = (pick: (r: Row) => boolean, key: (r: Row) => string, label: (r: Row) => string): MoneyByKey[] =>
    rows
      .filter(pick)
      .map((r) => ({ key: key(r), label: label(r), count: r.n, amount: r.amount }))
      .sort((a, b) => Number(b.amount) - Number(a.amount) || a.key.localeCompare(b.key))
  return {
    from,
    to,
    count: total?.n ?? 0,
    amount: total?.amount ?? '0.00',
    byChannel: by((r) => r.g_channel === 0 && r.g_reason === 1, (r) => r.channel ?? '', (r) => r.channel_name ?? r.channel ?? ''),
    byReason: by((r) => r.g_channel === 1 && r.g_reason === 0, (r) => r.reason ?? 'Unspecified', (r) => r.reason ?? 'Unspecified'),
  }
}

/**
 * Refunds issued in [from, to) (Return.refundedAt): how many and how much, by the order's channel and by the return
 * reason (a return's first line's reason), in one grouped aggregate (GROUPING SETS).
 */
export async function refundsIssued(prisma: PrismaClient, args: { from: Date; to: Date }): Promise<MoneyReport> {
  checkWindow(args.from, args.to)
  const rows = await prisma.$queryRaw<Row[]>`
    SELECT c.code AS channel, min(c.name) AS channel_name, reason.text AS reason,
      GROUPING(c.code)::int AS g_channel, GROUPING(reason.text)::int AS g_reason,
      count(*)::int AS n, COALESCE(sum(r.refund_amount), 0)::numeric(16, 2)::text AS amount
    FROM returns r JOIN orders o ON o.id = r.order_id JOIN channels c ON c.id = o.channel_id
    CROSS JOIN LATERAL (SELECT rl.reason AS text FROM return_lines rl WHERE rl.return_id = r.id ORDER BY rl.id LIMIT 1) reason
    WHERE r.refund_status = 'REFUNDED' AND r.refunded_at >= ${args.from}::timestamptz AND r.refunded_at < ${args.to}::timestamptz
    GROUP BY GROUPING SETS ((), (c.code), (reason.text))`
  return shape(args.from, args.to, rows)
}

/**
 * Orders cancelled in [from, to) (Order.cancelledAt) and the value of what they would have sold (the order total), by
 * channel and by the reason given, in one grouped aggregate.
 */
export async function cancelledOrderValue(prisma: PrismaClient, args: { from: Date; to: Date }): Promise<MoneyReport> {
  checkWindow(args.from, args.to)
  const reason = Prisma.sql`COALESCE(NULLIF(btrim(o.cancel_reason), ''), 'Unspecified')`
  const rows = await prisma.$queryRaw<Row[]>`
    SELECT c.code AS channel, min(c.name) AS channel_name, ${reason} AS reason,
      GROUPING(c.code)::int AS g_channel, GROUPING(${reason})::int AS g_reason,
      count(*)::int AS n, COALESCE(sum(o.total_amount), 0)::numeric(16, 2)::text AS amount
    FROM orders o JOIN channels c ON c.id = o.channel_id
    WHERE o.status = 'CANCELLED' AND o.cancelled_at >= ${args.from}::timestamptz AND o.cancelled_at < ${args.to}::timestamptz
    GROUP BY GROUPING SETS ((), (c.code), (${reason}))`
  return shape(args.from, args.to, rows)
}
