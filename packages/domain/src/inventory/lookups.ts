import type { Tx } from '@ops-hub/db'
import { DomainError, type UserErrorData } from '../shared/errors.ts'

/** Resolves a SKU code and location code together, reporting every unknown one as NOT_FOUND on its field. */
export async function findSkuAndLocation(
  tx: Tx,
  skuCode: string,
  locationCode: string,
  fields: { sku: string[]; location: string[] } = { sku: ['input', 'sku'], location: ['input', 'locationCode'] },
) {
  const sku = await tx.sku.findUnique({ where: { code: skuCode } })
  const location = await tx.location.findUnique({ where: { code: locationCode } })
  const missing: UserErrorData[] = []
  if (!sku) missing.push({ code: 'NOT_FOUND', message: `No SKU ${skuCode}`, field: fields.sku })
  if (!location) missing.push({ code: 'NOT_FOUND', message: `No location ${locationCode}`, field: fields.location })
  if (!sku || !location) throw new DomainError(missing)
  return { sku, location }
}
