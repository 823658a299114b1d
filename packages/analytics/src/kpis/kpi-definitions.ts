import type { SETTING_DEFAULTS } from '@ops-hub/domain'

export type KpiName = keyof (typeof SETTING_DEFAULTS)['kpi.targets']

/**
 * What each KPI measures, stated once: the GraphQL schema uses these as the fields' descriptions and the dashboard
 * prints them beside the numbers, so the definition a user reads is the one the query computes.
 */
export const KPI_DEFINITIONS: Record<KpiName, { label: string; unit: 'ratio' | 'hours' | 'per1000Units'; definition: string }> = {
  orderCycleTime: {
    label: 'Order cycle time',
    unit: 'hours',
    definition:
      'Hours from placement to the moment the last unit shipped, over orders that finished shipping in the period. ' +
      'numerator = total hours, denominator = orders; meanHours = numerator / denominator. value (judged against the target) is p90Hours.',
  },
  onTimeShipmentRate: {
    label: 'On-time shipment',
    unit: 'ratio',
    definition:
      'Share of the orders that finished shipping in the period whose last unit left by their promised ship-by. ' +
      'numerator = on time, denominator = shipped orders with a ship-by.',
  },
  otifRate: {
    label: 'On time, in full (OTIF)',
    unit: 'ratio',
    definition:
      'Share of the orders that finished shipping in the period that shipped by their ship-by, every unit, in no more ' +
      'parcels than the nodes their routing promised when they were allocated (a split added later, by a short pick ' +
      're-routed to another node or a backorder filled in a later parcel, fails it). numerator = OTIF orders, denominator = shipped orders with a ship-by.',
  },
  cancellationRate: {
    label: 'Cancellation rate',
    unit: 'ratio',
    definition:
      'Share of the orders placed in the period that are now cancelled, with the reasons given. numerator = cancelled, denominator = placed.',
  },
  inventoryRecordAccuracy: {
    label: 'Inventory record accuracy',
    unit: 'ratio',
    definition:
      'Share of the cycle counts recorded in the period whose result was within the SKU’s ABC tolerance of the book ' +
      '(inventory.countTolerance; the same definition as inventoryRecordAccuracy). numerator = counts within tolerance, denominator = counts. Not kept per channel.',
  },
  backorderRate: {
    label: 'Backorder rate',
    unit: 'ratio',
    definition:
      'Share of the orders placed in the period that had a line short when first allocated (the allocation at intake, ' +
      'or at hold release for an order held at intake), with the units short. numerator = such orders, denominator = placed.',
  },
  replenishmentLeadTimeAdherence: {
    label: 'Lead-time adherence',
    unit: 'ratio',
    definition:
      'Share of purchase-order lines first received in the period whose observed lead time (first receipt minus the ' +
      'moment the PO was sent) was within the supplier’s promised mean lead time plus procurement.leadTimeToleranceDays. ' +
      'numerator = adherent lines, denominator = lines first received with a promise. Null (with a reason) when nothing was received. Not kept per channel.',
  },
  warehouseExceptionRate: {
    label: 'Warehouse exception rate',
    unit: 'ratio',
    definition:
      'Share of the fulfilment orders (parcels) shipped in the period on which the warehouse raised a short pick or a ' +
      'pack mismatch while working them. numerator = parcels with an exception, denominator = parcels shipped.',
  },
  returnProcessingTime: {
    label: 'Return processing time',
    unit: 'hours',
    definition:
      'Hours from a return’s receipt at a node to the first of its refund being issued and its last unit being ' +
      'dispositioned, over returns whose processing finished in the period. numerator = total hours, denominator = returns; ' +
      'value (judged against the target) is p90Hours.',
  },
  manualAdjustmentFrequency: {
    label: 'Manual adjustments',
    unit: 'per1000Units',
    definition:
      'Corrections of the book a person made (damaged, shrinkage, found, correction, write-off; not goods booked in, QC moves, ' +
      'counts or 3PL feeds) that took effect in the period, per 1,000 ' +
      'units shipped from the same node(s) in it. numerator = adjustments, denominator = units shipped; value = 1000 × numerator / denominator. Not kept per channel.',
  },
}
