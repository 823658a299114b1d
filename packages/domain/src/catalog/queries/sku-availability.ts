import type { PrismaClient, Tx } from '@ops-hub/db'

export interface LocationAvailability {
  locationId: number
  locationCode: string
  available: number
}

export interface ComponentAvailability {
  skuId: number
  code: string
  quantityPerBundle: number
  /** The component's own available units across the network. */
  available: number
  /** Whole bundles those units make: floor(available / quantityPerBundle). */
  covers: number
}

export interface SkuAvailability {
  /** Sellable units (bundles: whole bundles) across active fulfilment nodes. */
  available: number
  byLocation: LocationAvailability[]
  /** For a bundle, each component's share of the figure; empty for a plain SKU. */
  components: ComponentAvailability[]
}

/**
 * What a SKU can be sold from right now, over active fulfilment nodes, with every input shown. A plain SKU: the sum
 * of its positions' available units (onHand - reserved - safetyStock - damaged - qualityControl). A bundle holds no
 * stock: it is available as often as its scarcest component allows - min over components of
 * floor(available / per-bundle quantity) - across the network (components may ship from different nodes), and per
 * node the same minimum over what that node holds.
 */
export async function skuAvailability(db: Tx | PrismaClient, skuId: number): Promise<SkuAvailability> {
  const sku = await db.sku.findUniqueOrThrow({ where: { id: skuId }, select: { isBundle: true, code: true, components: { select: { quantity: true, component: { select: { id: true, code: true } } }, orderBy: { componentSkuId: 'asc' } } } })
  const parts = sku.isBundle ? sku.components.map((c) => ({ skuId: c.component.id, code: c.component.code, per: c.quantity })) : [{ skuId, code: sku.code, per: 1 }]
  if (parts.length === 0) return { available: 0, byLocation: [], components: [] }
  const rows = await db.$queryRaw<Array<{ sku_id: number; location_id: number; location_code: string; available: number }>>`
    SELECT sp.sku_id, l.id AS location_id, l.code AS location_code,
      GREATEST(0, sp.on_hand - sp.reserved - sp.safety_stock - sp.damaged - sp.quality_control)::int AS available
    FROM stock_positions sp JOIN locations l ON l.id = sp.location_id
    WHERE sp.sku_id = ANY(${parts.map((p) => p.skuId)}::int[]) AND l.active AND l.is_fulfillment_node
    ORDER BY l.id`
  const at = (partSkuId: number, locationId?: number) =>
    rows.filter((r) => r.sku_id === partSkuId && (locationId === undefined || r.location_id === locationId)).reduce((s, r) => s + Number(r.available), 0)
  const locations = [...new Map(rows.map((r) => [r.location_id, r.location_code])).entries()]
  const byLocation = locations.map(([locationId, locationCode]) => ({
    locationId,
    locationCode,
    available: Math.min(...parts.map((p) => Math.floor(at(p.skuId, locationId) / p.per))),
  }))
  const components = parts.map((p) => ({ skuId: p.skuId, code: p.code, quantityPerBundle: p.per, available: at(p.skuId), covers: Math.floor(at(p.skuId) / p.per) }))
  return {
    available: Math.min(...components.map((c) => c.covers)),
    // A node that stocks only some components cannot ship a bundle on its own: it is listed with 0.
    byLocation,
    components: sku.isBundle ? components : [],
  }
}
