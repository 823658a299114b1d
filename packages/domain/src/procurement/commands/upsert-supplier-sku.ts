import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { DomainError, userError, type UserErrorData } from '../../shared/errors.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'

export const upsertSupplierSkuInput = z.object({
  supplierCode: codeSchema,
  sku: codeSchema,
  supplierSkuCode: z.string().trim().min(1).max(64).nullish(),
  leadTimeMeanDays: z.number().finite().gt(0, 'A promised lead time is more than 0 days').max(365, 'A promised lead time is at most 365 days'),
  leadTimeStdDevDays: z.number().finite().min(0, 'A standard deviation cannot be negative').max(365),
  minimumOrderQuantity: z.number().int('Whole units only').min(1, 'The minimum order quantity is at least 1').max(1_000_000),
  packSize: z.number().int('Whole units only').min(1, 'The pack size is at least 1').max(100_000),
  unitCost: z.number().finite().min(0, 'Unit cost cannot be negative').max(1_000_000),
  /** Default: primary when the SKU has no other source yet. */
  isPrimary: z.boolean().nullish(),
})

/**
 * Records what a supplier promises for a SKU (lead time, MOQ, pack size, cost), creating or replacing the terms of that
 * pair. A SKU has one primary source, the one replenishment orders from: making this one primary demotes the others.
 */
export async function upsertSupplierSku(tx: Tx, rawInput: z.input<typeof upsertSupplierSkuInput>, actor: Actor) {
  const input = parseInput(upsertSupplierSkuInput, rawInput)
  const supplier = await tx.supplier.findUnique({ where: { code: input.supplierCode } })
  const sku = await tx.sku.findUnique({ where: { code: input.sku } })
  const errors: UserErrorData[] = []
  if (!supplier) errors.push({ code: 'NOT_FOUND', message: `No supplier ${input.supplierCode}`, field: ['input', 'supplierCode'] })
  if (!sku) errors.push({ code: 'NOT_FOUND', message: `No SKU ${input.sku}`, field: ['input', 'sku'] })
  if (!supplier || !sku) throw new DomainError(errors)
  if (sku.isBundle) throw userError('INVALID_INPUT', `${sku.code} is a bundle: it is bought as its components`, ['input', 'sku'])
  if (!supplier.active) throw userError('INVALID_INPUT', `Supplier ${supplier.code} is inactive`, ['input', 'supplierCode'])

  const others = await tx.supplierSku.count({ where: { skuId: sku.id, supplierId: { not: supplier.id } } })
  const isPrimary = input.isPrimary ?? others === 0
  // One statement keyed on (supplier, sku): two concurrent upserts of the same pair cannot both insert.
  const [row] = await tx.$queryRaw<Array<{ id: number }>>`
    INSERT INTO supplier_skus (supplier_id, sku_id, supplier_sku_code, lead_time_mean_days, lead_time_std_dev_days, minimum_order_quantity, pack_size, unit_cost, is_primary)
    VALUES (${supplier.id}, ${sku.id}, ${input.supplierSkuCode ?? null}, ${input.leadTimeMeanDays}, ${input.leadTimeStdDevDays}, ${input.minimumOrderQuantity},
      ${input.packSize}, ${input.unitCost}, ${isPrimary})
    ON CONFLICT (supplier_id, sku_id) DO UPDATE SET supplier_sku_code = EXCLUDED.supplier_sku_code, lead_time_mean_days = EXCLUDED.lead_time_mean_days,
      lead_time_std_dev_days = EXCLUDED.lead_time_std_dev_days, minimum_order_quantity = EXCLUDED.minimum_order_quantity,
      pack_size = EXCLUDED.pack_size, unit_cost = EXCLUDED.unit_cost, is_primary = EXCLUDED.is_primary
    RETURNING id`
  if (isPrimary) await tx.supplierSku.updateMany({ where: { skuId: sku.id, id: { not: row.id }, isPrimary: true }, data: { isPrimary: false } })
  await recordEvents(tx, [{ topic: 'procurement.changed', aggregateType: 'SupplierSku', aggregateId: row.id, payload: { supplierId: supplier.id, skuId: sku.id, by: actor.id } }])
  return tx.supplierSku.findUniqueOrThrow({ where: { id: row.id } })
}
