import type { ExceptionSeverity, ExceptionType, HoldReason, PaymentStatus, Role } from '@ops-hub/db'
import { checkAddress, type ShipToAddress } from './address-checks.ts'

export interface HoldFinding {
  hold: HoldReason
  detail: string
  data: Record<string, unknown>
}

/**
 * Intake checks that stop an order before any stock is promised: payment not authorized or captured, a fraud
 * score above the configured threshold, or an address that would fail at the carrier.
 */
export function evaluateHolds(input: { paymentStatus: PaymentStatus; fraudScore: number; shipTo: ShipToAddress; fraudScoreThreshold: number }): HoldFinding[] {
  const findings: HoldFinding[] = []
  if (input.paymentStatus !== 'AUTHORIZED' && input.paymentStatus !== 'CAPTURED') {
    findings.push({ hold: 'PAYMENT', detail: `Payment is ${input.paymentStatus}, not authorized or captured`, data: { paymentStatus: input.paymentStatus } })
  }
  if (input.fraudScore > input.fraudScoreThreshold) {
    findings.push({
      hold: 'FRAUD',
      detail: `Fraud score ${input.fraudScore} is above the threshold ${input.fraudScoreThreshold}`,
      data: { fraudScore: input.fraudScore, threshold: input.fraudScoreThreshold },
    })
  }
  const problems = checkAddress(input.shipTo)
  if (problems.length > 0) {
    findings.push({ hold: 'ADDRESS', detail: problems.map((p) => p.message).join('; '), data: { problems } })
  }
  return findings
}

/**
 * Which exception each hold raises and which team owns it. Fraud review sits with FINANCE: it decides on
 * chargeback risk and payment, and customer service only contacts the customer when FINANCE asks.
 */
export const HOLD_EXCEPTIONS: Record<HoldReason, { type: ExceptionType; ownerRole: Role; severity: ExceptionSeverity; title: string }> = {
  PAYMENT: { type: 'PAYMENT_HOLD', ownerRole: 'FINANCE', severity: 'MEDIUM', title: 'Payment not authorized' },
  FRAUD: { type: 'FRAUD_REVIEW', ownerRole: 'FINANCE', severity: 'HIGH', title: 'Fraud review' },
  ADDRESS: { type: 'ADDRESS_INVALID', ownerRole: 'CUSTOMER_SERVICE', severity: 'MEDIUM', title: 'Ship-to address fails checks' },
  LOW_CONFIDENCE_STOCK: { type: 'LOW_CONFIDENCE_STOCK', ownerRole: 'OPERATIONS', severity: 'HIGH', title: 'Stock too uncertain to promise' },
  MANUAL: { type: 'SHIP_BY_RISK', ownerRole: 'OPERATIONS', severity: 'MEDIUM', title: 'Held by hand' },
}

/** Who may release a hold: the owning team, OPERATIONS (floor leads) and ADMIN. */
export function canReleaseHold(role: Role, hold: HoldReason): boolean {
  return role === 'ADMIN' || role === 'OPERATIONS' || HOLD_EXCEPTIONS[hold].ownerRole === role
}
