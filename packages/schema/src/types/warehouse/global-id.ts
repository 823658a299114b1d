import { userError } from '@ops-hub/domain'

/**
 * The numeric id inside a decoded global id (decodeNodeId already refused any id part that is not a positive 32-bit
 * integer), refusing ids of another type (a Shipment id where a fulfillment order is expected) as INVALID_INPUT.
 * Call inside runMutation so the refusal becomes a userError.
 */
export function idOf(globalId: { typename: string; id: string }, typename: string, field: string): number {
  if (globalId.typename !== typename) throw userError('INVALID_INPUT', `Expected a ${typename} id`, ['input', field])
  return Number(globalId.id)
}
