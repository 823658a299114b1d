import { userError } from '@ops-hub/domain'

/**
 * The numeric id inside a decoded global id, refusing ids of another type (a Shipment id where a fulfillment
 * order is expected) as INVALID_INPUT. Call inside runMutation so the refusal becomes a userError.
 */
export function idOf(globalId: { typename: string; id: string }, typename: string, field: string): number {
  const id = Number(globalId.id)
  if (globalId.typename !== typename || !Number.isInteger(id) || id <= 0) {
    throw userError('INVALID_INPUT', `Expected a ${typename} id`, ['input', field])
  }
  return id
}
