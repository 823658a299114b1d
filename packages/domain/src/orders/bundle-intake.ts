import type { Tx } from '@ops-hub/db'
import type { UserErrorData } from '../shared/errors.ts'

export interface BundleComponentRow {
  skuId: number
  code: string
  quantity: number
  active: boolean
}

/** A component line to insert under a bundle line of a new order. */
export interface ComponentLine {
  /** Line number of the bundle line it belongs to. */
  bundleLineNumber: number
  lineNumber: number
  skuId: number
  quantity: number
}

/**
 * Share-locks the bundle SKUs an order is about to explode and reads their components as they are now: a
 * concurrent setBundleComponents (which takes the SKU's row lock exclusively) either finished before - and is
 * read here - or waits until this order commits, then sees it among the open orders holding the bundle.
 */
export async function lockBundleComponents(tx: Tx, bundleSkuIds: number[]): Promise<Map<number, BundleComponentRow[]>> {
  const ids = [...new Set(bundleSkuIds)].sort((a, b) => a - b)
  const byBundle = new Map<number, BundleComponentRow[]>(ids.map((id) => [id, []]))
  if (ids.length === 0) return byBundle
  await tx.$queryRaw`SELECT id FROM skus WHERE id = ANY(${ids}::int[]) ORDER BY id FOR SHARE`
  const rows = await tx.$queryRaw<Array<{ bundle_sku_id: number; sku_id: number; code: string; quantity: number; active: boolean }>>`
    SELECT bc.bundle_sku_id, bc.component_sku_id AS sku_id, c.code, bc.quantity, c.active
    FROM bundle_components bc JOIN skus c ON c.id = bc.component_sku_id
    WHERE bc.bundle_sku_id = ANY(${ids}::int[]) ORDER BY bc.bundle_sku_id, bc.component_sku_id`
  for (const r of rows) byBundle.get(r.bundle_sku_id)!.push({ skuId: r.sku_id, code: r.code, quantity: r.quantity, active: r.active })
  return byBundle
}

/**
 * Explodes an order's bundle lines into component lines: one per component, `bundle quantity x per-bundle quantity`
 * units, numbered after the order's own lines in line order. A bundle with no components or an inactive component
 * cannot be sold (NOT_FOUND on its line).
 */
export function explodeBundles(
  lines: Array<{ sku: string; quantity: number }>,
  bundleOf: (code: string) => { id: number } | null,
  components: Map<number, BundleComponentRow[]>,
): { componentLines: ComponentLine[]; errors: UserErrorData[] } {
  const componentLines: ComponentLine[] = []
  const errors: UserErrorData[] = []
  let next = lines.length + 1
  lines.forEach((line, i) => {
    const bundle = bundleOf(line.sku)
    if (!bundle) return
    const parts = components.get(bundle.id) ?? []
    const field = ['input', 'lines', String(i), 'sku']
    if (parts.length === 0) return errors.push({ code: 'NOT_FOUND', message: `Bundle ${line.sku} has no components to ship`, field })
    const inactive = parts.filter((p) => !p.active)
    if (inactive.length) return errors.push({ code: 'NOT_FOUND', message: `Bundle ${line.sku} holds inactive SKU ${inactive.map((p) => p.code).join(', ')}`, field })
    for (const p of parts) componentLines.push({ bundleLineNumber: i + 1, lineNumber: next++, skuId: p.skuId, quantity: line.quantity * p.quantity })
  })
  return { componentLines, errors }
}
