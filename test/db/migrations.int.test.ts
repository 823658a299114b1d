import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrationsDir } from '@ops-hub/db'
import { createTestDatabase } from '../helpers/database.ts'

describe('migrations', () => {
  it('apply once, record Prisma-compatible checksums, and a second run applies nothing', async () => {
    const { db, drop } = await createTestDatabase()
    try {
      const again = await db.migrate()
      expect(again.applied).toEqual([])
      const names = fs.readdirSync(migrationsDir).filter((n) => fs.existsSync(path.join(migrationsDir, n, 'migration.sql')))
      expect(again.alreadyApplied).toBe(names.length)
      const rows = await db.sql.query('SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name')
      expect(rows.map((r) => r.migration_name)).toEqual(names.sort())
      for (const r of rows) {
        const sql = fs.readFileSync(path.join(migrationsDir, String(r.migration_name), 'migration.sql'))
        expect(r.checksum).toBe(crypto.createHash('sha256').update(sql).digest('hex'))
        expect(r.finished_at).not.toBeNull()
      }
    } finally {
      await drop()
    }
  })

  it('protects stock invariants in the database itself: no oversell even behind the application', async () => {
    const { db, drop } = await createTestDatabase()
    try {
      const sku = await db.prisma.sku.create({ data: { code: 'INV-1', name: 'x', unitCost: 1 } })
      const loc = await db.prisma.location.create({ data: { code: 'INV-L', name: 'x', kind: 'WAREHOUSE' } })
      const pos = await db.prisma.stockPosition.create({ data: { skuId: sku.id, locationId: loc.id, onHand: 5 } })
      await expect(db.sql.query('UPDATE stock_positions SET reserved = 6 WHERE id = $1', [pos.id])).rejects.toThrow(/stock_positions_no_oversell/)
      await expect(db.sql.query('UPDATE stock_positions SET on_hand = -1 WHERE id = $1', [pos.id])).rejects.toThrow(/non_negative/)
      const after = await db.prisma.stockPosition.findUniqueOrThrow({ where: { id: pos.id } })
      expect(after).toMatchObject({ onHand: 5, reserved: 0 })

      // The order tables' rules (checked inline by each trigger's WHEN clause, named by its function).
      const channel = await db.prisma.channel.create({ data: { code: 'INV-C', name: 'x', kind: 'STOREFRONT' } })
      const order = (fraud: number) =>
        db.sql.query(
          `INSERT INTO orders (channel_id, external_id, customer_email, customer_name, ship_to_name, ship_to_line1, ship_to_city, ship_to_postal_code,
             ship_to_country, payment_status, fraud_score, updated_at) VALUES ($1, $2, 'a@b.c', 'x', 'x', 'x', 'x', '1', 'US', 'AUTHORIZED', $3, now()) RETURNING id`,
          [channel.id, `INV-${fraud}`, fraud],
        )
      await expect(order(1.5)).rejects.toThrow(/orders_fraud_score_range/)
      const [{ id: orderId }] = await order(0.5)
      const line = (allocated: number) =>
        db.sql.query(`INSERT INTO order_lines (order_id, line_number, sku_id, quantity, unit_price, allocated_quantity) VALUES ($1, $2, $3, 2, 1, $2) RETURNING id`, [orderId, allocated, sku.id])
      await expect(line(3)).rejects.toThrow(/order_lines_quantities_consistent/)
      const [{ id: lineId }] = await line(2)
      await expect(db.sql.query(`INSERT INTO allocations (order_line_id, location_id, quantity, updated_at) VALUES ($1, $2, 0, now())`, [lineId, loc.id])).rejects.toThrow(/allocations_quantity_positive/)
      await expect(db.sql.query(`INSERT INTO channel_reservations (channel_id, sku_id, reserved) VALUES ($1, $2, -1)`, [channel.id, sku.id])).rejects.toThrow(/channel_reservations_non_negative/)
    } finally {
      await drop()
    }
  })

  it('keeps each position\'s SKU code in step with its SKU, and ledger rows keyed to their position\'s SKU and location', async () => {
    const { db, drop } = await createTestDatabase()
    try {
      const [a, b] = await Promise.all(['KEY-A', 'KEY-B'].map((code) => db.prisma.sku.create({ data: { code, name: 'x', unitCost: 1 } })))
      const loc = await db.prisma.location.create({ data: { code: 'KEY-L', name: 'x', kind: 'WAREHOUSE' } })
      const pos = await db.prisma.stockPosition.create({ data: { skuId: a.id, locationId: loc.id, onHand: 5 } })
      expect(pos.skuCode).toBe('KEY-A')
      // Set by hand, it is put back; renamed with its SKU, it follows.
      await db.sql.query(`UPDATE stock_positions SET sku_code = 'WRONG' WHERE id = $1`, [pos.id])
      expect((await db.prisma.stockPosition.findUniqueOrThrow({ where: { id: pos.id } })).skuCode).toBe('KEY-A')
      await db.prisma.sku.update({ where: { id: a.id }, data: { code: 'KEY-A2' } })
      expect((await db.prisma.stockPosition.findUniqueOrThrow({ where: { id: pos.id } })).skuCode).toBe('KEY-A2')

      const event = (skuId: number) =>
        db.sql.query(`INSERT INTO inventory_events (stock_position_id, sku_id, location_id, type, actor, on_hand_delta) VALUES ($1, $2, $3, 'ADJUSTED', 'test', 1)`, [pos.id, skuId, loc.id])
      await expect(event(b.id)).rejects.toThrow(/inventory_events_stock_position_id_sku_id_location_id_fkey/)
      await event(a.id)
    } finally {
      await drop()
    }
  })
})
