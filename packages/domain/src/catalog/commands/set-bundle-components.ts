import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { DomainError, userError, type UserErrorData } from '../../shared/errors.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'

export const setBundleComponentsInput = z.object({
  sku: codeSchema,
  components: z
    .array(
      z.object({
        sku: codeSchema,
        quantity: z.number().int('quantity must be a whole number').min(1, 'quantity is at least 1').max(1000, 'quantity is at most 1000'),
      }),
    )
    .min(1, 'A bundle needs at least one component')
    .max(20, 'A bundle has at most 20 components'),
})

/** Order statuses in which an order still holds or waits for what it bought. */
const CLOSED = ['SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURN_REQUESTED', 'RETURNED']

/**
 * Makes a SKU a bundle of other SKUs, or replaces its components: each component a known, active, plain SKU (no
 * bundle inside a bundle, not the bundle itself, each once) taken at least once per bundle. A bundle holds no stock
 * of its own - intake splits its lines into component lines - so a SKU with stock cannot become one, and while an
 * open order holds the SKU its make-up cannot change (IN_USE). The SKU's row lock orders this against intake, which
 * share-locks the bundles it explodes.
 */
export async function setBundleComponents(tx: Tx, rawInput: z.input<typeof setBundleComponentsInput>, actor: Actor) {
  const input = parseInput(setBundleComponentsInput, rawInput)
  const [bundle] = await tx.$queryRaw<Array<{ id: number; code: string; is_bundle: boolean; active: boolean }>>`
    SELECT id, code, is_bundle, active FROM skus WHERE code = ${input.sku} FOR UPDATE`
  if (!bundle) throw userError('NOT_FOUND', `No SKU ${input.sku}`, ['input', 'sku'])

  const parts = await tx.sku.findMany({ where: { code: { in: input.components.map((c) => c.sku) } }, select: { id: true, code: true, active: true, isBundle: true } })
  const byCode = new Map(parts.map((p) => [p.code, p]))
  const seen = new Set<string>()
  const problems: UserErrorData[] = []
  input.components.forEach((c, i) => {
    const field = ['input', 'components', String(i), 'sku']
    const part = byCode.get(c.sku)
    if (c.sku === bundle.code) return problems.push({ code: 'INVALID_INPUT', message: `${c.sku} cannot be a component of itself`, field })
    if (seen.has(c.sku)) return problems.push({ code: 'INVALID_INPUT', message: `${c.sku} is listed twice; give its total quantity once`, field })
    seen.add(c.sku)
    if (!part || !part.active) return problems.push({ code: 'NOT_FOUND', message: `Unknown or inactive SKU ${c.sku}`, field })
    if (part.isBundle) return problems.push({ code: 'INVALID_INPUT', message: `${c.sku} is itself a bundle; a bundle cannot hold another bundle`, field })
  })
  const parents = await tx.bundleComponent.findMany({ where: { componentSkuId: bundle.id }, select: { bundle: { select: { code: true } } } })
  if (parents.length) {
    problems.push({ code: 'INVALID_INPUT', message: `${bundle.code} is a component of bundle ${parents.map((p) => p.bundle.code).join(', ')}; a bundle cannot sit inside a bundle`, field: ['input', 'sku'] })
  }
  if (problems.length) throw new DomainError(problems)

  const stocked = await tx.stockPosition.findMany({
    where: { skuId: bundle.id, OR: [{ onHand: { gt: 0 } }, { reserved: { gt: 0 } }, { incoming: { gt: 0 } }, { inTransit: { gt: 0 } }] },
    select: { onHand: true, incoming: true, inTransit: true, location: { select: { code: true } } },
  })
  if (stocked.length) {
    const where = stocked.map((p) => `${p.location.code} (on hand ${p.onHand}, incoming ${p.incoming + p.inTransit})`).join(', ')
    throw userError('IN_USE', `${bundle.code} holds stock at ${where}; a bundle holds no stock of its own`, ['input', 'sku'])
  }
  const holding = await tx.$queryRaw<Array<{ number: string }>>`
    SELECT o.number FROM orders o
    WHERE o.status::text <> ALL(${CLOSED}::text[])
      AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.sku_id = ${bundle.id} AND l.quantity > l.cancelled_quantity + l.shipped_quantity)
    ORDER BY o.id LIMIT 6`
  if (holding.length) {
    const shown = holding.slice(0, 5).map((o) => o.number).join(', ')
    throw userError('IN_USE', `Open orders hold ${bundle.code} (${shown}${holding.length > 5 ? ', ...' : ''}); its components can change once they ship or are cancelled`, ['input', 'sku'])
  }

  const before = await tx.bundleComponent.findMany({ where: { bundleSkuId: bundle.id }, select: { componentSkuId: true, quantity: true } })
  await tx.bundleComponent.deleteMany({ where: { bundleSkuId: bundle.id } })
  await tx.bundleComponent.createMany({ data: input.components.map((c) => ({ bundleSkuId: bundle.id, componentSkuId: byCode.get(c.sku)!.id, quantity: c.quantity })) })
  const sku = await tx.sku.update({ where: { id: bundle.id }, data: { isBundle: true } })
  await recordEvents(tx, [
    {
      topic: 'catalog.changed',
      aggregateType: 'Sku',
      aggregateId: sku.id,
      payload: { by: actor.id, bundle: true, components: input.components, replaced: before.length > 0 },
    },
  ])
  return sku
}
