import type { Role } from '@/features/session/roles'

export type ViewSlug = 'executive' | 'operations' | 'procurement' | 'finance' | 'customer-service' | 'scenario-lab'

export interface ViewDefinition {
  slug: ViewSlug
  title: string
  /** Roles that may open the view; ADMIN may open every view. */
  roles: Role[]
  summary: string
  /** Listed in the nav only for the roles that may open it (a tool, not a team's view everyone should know exists). */
  navOnlyIfAllowed?: boolean
}

/** The role views, in nav order. Who may open which view is decided here and nowhere else. */
export const VIEWS: ViewDefinition[] = [
  { slug: 'executive', title: 'Executive', roles: ['EXECUTIVE'], summary: 'The KPIs against their targets and trends, and where nodes and suppliers put fulfilment at risk.' },
  { slug: 'operations', title: 'Operations', roles: ['OPERATIONS', 'EXECUTIVE'], summary: 'What is waiting to ship, what is stuck, and who must act.' },
  { slug: 'procurement', title: 'Procurement', roles: ['PROCUREMENT', 'EXECUTIVE'], summary: 'Replenishment suggestions and risk, purchase orders, supplier performance.' },
  { slug: 'finance', title: 'Finance', roles: ['FINANCE', 'EXECUTIVE'], summary: 'Inventory value, write-offs, refunds, cancellations and purchase commitments, for any period.' },
  { slug: 'customer-service', title: 'Customer service', roles: ['CUSTOMER_SERVICE', 'OPERATIONS'], summary: 'Find an order and see the customers waiting on a hold.' },
  {
    slug: 'scenario-lab',
    title: 'Scenario lab',
    roles: ['EXECUTIVE'],
    navOnlyIfAllowed: true,
    summary: 'Simulate the promo-spike scenario through the hub’s rules and through a naive baseline, and compare their KPIs day by day.',
  },
]

export function viewBySlug(slug: ViewSlug): ViewDefinition {
  return VIEWS.find((v) => v.slug === slug)!
}

export function canOpen(view: ViewDefinition, role: Role): boolean {
  return role === 'ADMIN' || view.roles.includes(role)
}

/** Where a role lands after sign-in; null for a role with no dashboard view (partners use the API). */
export function homeFor(role: Role): string | null {
  const own: Partial<Record<Role, ViewSlug>> = {
    ADMIN: 'executive',
    EXECUTIVE: 'executive',
    OPERATIONS: 'operations',
    PROCUREMENT: 'procurement',
    FINANCE: 'finance',
    CUSTOMER_SERVICE: 'customer-service',
  }
  const slug = own[role]
  return slug ? `/${slug}` : null
}
