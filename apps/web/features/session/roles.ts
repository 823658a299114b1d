export type Role = 'ADMIN' | 'EXECUTIVE' | 'OPERATIONS' | 'PROCUREMENT' | 'FINANCE' | 'CUSTOMER_SERVICE' | 'PARTNER'

export const ROLE_LABELS: Record<Role, string> = {
  ADMIN: 'Admin',
  EXECUTIVE: 'Executive',
  OPERATIONS: 'Operations',
  PROCUREMENT: 'Procurement',
  FINANCE: 'Finance',
  CUSTOMER_SERVICE: 'Customer service',
  PARTNER: 'Partner',
}

export const ROLE_BLURBS: Partial<Record<Role, string>> = {
  EXECUTIVE: 'KPIs and trends across every channel and node',
  OPERATIONS: 'Order backlog, exceptions and warehouse capacity',
  PROCUREMENT: 'Catalog, stock positions and replenishment risk',
  FINANCE: 'Order volume, cancellations and returns',
  CUSTOMER_SERVICE: 'Order lookup and customers waiting on holds',
  ADMIN: 'Every view, plus catalog and network set-up',
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && value in ROLE_LABELS
}
