import { userError } from '@ops-hub/domain'

/** A finance window [from, to): refused when empty or backwards, as the KPI report refuses it. */
export function checkWindow(from: Date, to: Date) {
  if (!(to.getTime() > from.getTime())) throw userError('INVALID_INPUT', '`to` must be after `from`', ['to'])
}
