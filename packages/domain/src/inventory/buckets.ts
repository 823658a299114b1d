/** The stock quantity buckets of one position. */
export interface Buckets {
  onHand: number
  reserved: number
  damaged: number
  qualityControl: number
  incoming: number
  inTransit: number
  safetyStock: number
}

/** Sellable units: what is on hand minus what is promised, protected, damaged or held for QC; never negative. */
export function availableOf(p: Pick<Buckets, 'onHand' | 'reserved' | 'safetyStock' | 'damaged' | 'qualityControl'>): number {
  return Math.max(0, p.onHand - p.reserved - p.safetyStock - p.damaged - p.qualityControl)
}
