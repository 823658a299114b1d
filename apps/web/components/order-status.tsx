import { humanize } from '@/lib/format'
import { Badge } from './data-table'

const TONES: Record<string, 'neutral' | 'good' | 'warn' | 'bad' | 'info'> = {
  PENDING: 'neutral',
  VALIDATED: 'info',
  ON_HOLD: 'warn',
  ALLOCATED: 'info',
  PARTIALLY_ALLOCATED: 'warn',
  BACKORDERED: 'bad',
  RELEASED: 'info',
  IN_FULFILLMENT: 'info',
  PARTIALLY_SHIPPED: 'info',
  SHIPPED: 'good',
  DELIVERED: 'good',
  CANCELLED: 'neutral',
  RETURN_REQUESTED: 'warn',
  RETURNED: 'neutral',
}

export function OrderStatusBadge({ status }: { status: string }) {
  return <Badge tone={TONES[status] ?? 'neutral'}>{humanize(status)}</Badge>
}

const SEVERITY_TONES: Record<string, 'neutral' | 'warn' | 'bad' | 'info'> = { LOW: 'neutral', MEDIUM: 'info', HIGH: 'warn', CRITICAL: 'bad' }

export function SeverityBadge({ severity }: { severity: string }) {
  return <Badge tone={SEVERITY_TONES[severity] ?? 'neutral'}>{humanize(severity)}</Badge>
}
