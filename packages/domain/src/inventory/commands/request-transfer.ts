import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { DomainError, userError, type UserErrorData } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'
import { openException } from '../../exceptions/commands/open-exception.ts'
import { availableOf } from '../buckets.ts'

export const requestTransferInput = z.object({
  fromLocationCode: codeSchema,
  toLocationCode: codeSchema,
  lines: z
    .array(z.object({ sku: codeSchema, quantity: z.number().int().positive('Quantity must be positive').max(1_000_000) }))
    .min(1, 'A transfer needs at least one line')
    .max(500),
  note: z.string().trim().max(1000).nullish(),
})

/** Asks to move stock between two locations; nothing moves until a second person approves and it ships. */
export async function requestTransfer(tx: Tx, rawInput: z.input<typeof requestTransferInput>, actor: Actor) {
  const input = parseInput(requestTransferInput, rawInput)
  if (input.fromLocationCode === input.toLocationCode) throw userError('INVALID_INPUT', 'Source and destination must differ', ['input', 'toLocationCode'])
  const from = await tx.location.findUnique({ where: { code: input.fromLocationCode } })
  const to = await tx.location.findUnique({ where: { code: input.toLocationCode } })
  const errors: UserErrorData[] = []
  if (!from) errors.push({ code: 'NOT_FOUND', message: `No location ${input.fromLocationCode}`, field: ['input', 'fromLocationCode'] })
  if (!to) errors.push({ code: 'NOT_FOUND', message: `No location ${input.toLocationCode}`, field: ['input', 'toLocationCode'] })
  const seen = new Set<string>()
  const skus = await tx.sku.findMany({ where: { code: { in: input.lines.map((l) => l.sku) } } })
  const byCode = new Map(skus.map((s) => [s.code, s]))
  const positions = from
    ? await tx.stockPosition.findMany({ where: { locationId: from.id, skuId: { in: skus.map((s) => s.id) } } })
    : []
  const positionBySku = new Map(positions.map((p) => [p.skuId, p]))
  input.lines.forEach((line, i) => {
    const sku = byCode.get(line.sku)
    if (seen.has(line.sku)) errors.push({ code: 'INVALID_INPUT', message: `${line.sku} appears twice`, field: ['input', 'lines', String(i), 'sku'] })
    seen.add(line.sku)
    if (!sku) return errors.push({ code: 'NOT_FOUND', message: `No SKU ${line.sku}`, field: ['input', 'lines', String(i), 'sku'] })
    const p = positionBySku.get(sku.id)
    const available = p ? availableOf(p) : 0
    if (from && available < line.quantity) {
      errors.push({ code: 'INSUFFICIENT_STOCK', message: `${line.sku}: only ${available} available at ${from.code}`, field: ['input', 'lines', String(i), 'quantity'] })
    }
  })
  if (errors.length || !from || !to) throw new DomainError(errors)

  const transfer = await tx.transfer.create({
    data: {
      fromLocationId: from.id,
      toLocationId: to.id,
      requestedBy: actor.id,
      lines: { create: input.lines.map((l) => ({ skuId: byCode.get(l.sku)!.id, quantity: l.quantity })) },
    },
    include: { lines: true },
  })
  await openException(tx, {
    type: 'TRANSFER_APPROVAL',
    severity: 'LOW',
    ownerRole: 'OPERATIONS',
    subjectType: 'Transfer',
    subjectId: transfer.id,
    title: `Approve transfer ${transfer.number} from ${from.code} to ${to.code}`,
    detail: `${input.lines.length} line(s), ${input.lines.reduce((s, l) => s + l.quantity, 0)} units, requested by ${actor.id}${input.note ? `: ${input.note}` : ''}`,
    data: { lines: input.lines },
    dedupeKey: `transfer:${transfer.id}`,
  })
  return transfer
}
