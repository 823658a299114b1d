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
    } finally {
      await drop()
    }
  })
})
