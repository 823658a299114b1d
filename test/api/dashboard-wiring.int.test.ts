// The documents the Executive and Operations views send, as the roles that open those views send them: each one
// answers without an error for every such role (a field a role cannot read would break its view), and each costs
// less than the single-query maximum the cost plugin enforces (it refuses a document over it before it runs).
import { describe, expect, it } from 'vitest'
import { SETTING_DEFAULTS } from '@ops-hub/domain'
import type { Role } from '@ops-hub/db'
import { useTestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode } from '../helpers/factories/catalog.ts'
import {
  EXECUTIVE_QUERY, KPIS_TODAY_QUERY, NODE_AGING_QUERY, NODE_BACKLOG_QUERY, NODE_SLA_RISK_QUERY, ORDERS_AT_RISK_QUERY, STOCKOUT_RISKS_QUERY,
  SUPPLIER_SCORECARDS_QUERY, executiveVariables,
} from '../../apps/web/features/executive/executive.graphql.ts'
import { CONFIGURE_NODE_AUTOMATION_MUTATION, NODES_QUERY, NODE_AUTOMATION_QUERY, NODE_QUEUE_QUERY } from '../../apps/web/features/operations/workbench.graphql.ts'
import { lastDays, rangeInstants } from '../../apps/web/lib/date-range.ts'

const t = useTestApp()
const MAX_QUERY_COST = SETTING_DEFAULTS['api.costLimits'].maxQueryCost as number
// Who opens each view (apps/web/features/shell/views.ts, VIEWS; ADMIN opens every view).
const VIEW_ROLES: Record<'executive' | 'operations', Role[]> = { executive: ['ADMIN', 'EXECUTIVE'], operations: ['ADMIN', 'OPERATIONS', 'EXECUTIVE'] }
const rolesOf = (slug: 'executive' | 'operations'): Role[] => VIEW_ROLES[slug]

async function run(query: string, variables: Record<string, unknown>, role: Role) {
  const res = (await t().gql(query, variables, { role })) as { errors?: unknown; data?: any; extensions?: { cost?: { requestedQueryCost: number } } }
  return { errors: res.errors, data: res.data, cost: res.extensions?.cost?.requestedQueryCost }
}

describe('the Executive view\'s documents', () => {
  it('answer every role that opens the view, each under the single-query cost maximum', async () => {
    const node = await createFulfilmentNode(t())
    const documents: Array<[string, string, Record<string, unknown>]> = [
      ['ExecutiveKpis', EXECUTIVE_QUERY, executiveVariables(rangeInstants(lastDays(30)), 'UTC')],
      ['ExecutiveKpisToday', KPIS_TODAY_QUERY, { tz: 'UTC' }],
      ['ExecutiveOrderAging', NODE_AGING_QUERY, {}],
      ['ExecutivePickBacklog', NODE_BACKLOG_QUERY, {}],
      ['ExecutiveOrdersAtRisk', ORDERS_AT_RISK_QUERY, {}],
      ['ExecutiveNodeSlaRisk', NODE_SLA_RISK_QUERY, { locationCode: node, minProbability: 0.5 }],
      ['ExecutiveStockoutRisks', STOCKOUT_RISKS_QUERY, {}],
      ['ExecutiveSupplierScorecards', SUPPLIER_SCORECARDS_QUERY, {}],
    ]
    for (const role of rolesOf('executive')) {
      for (const [name, query, variables] of documents) {
        const res = await run(query, variables, role)
        expect({ role, name, errors: res.errors }).toEqual({ role, name, errors: undefined })
        expect({ role, name, underMaximum: res.cost! > 0 && res.cost! <= MAX_QUERY_COST }).toEqual({ role, name, underMaximum: true })
      }
    }
  })
})

describe('the Operations workbench\'s node automation', () => {
  it('reads for every role that opens the view; only OPERATIONS and ADMIN may change it, and bad settings come back as userErrors', async () => {
    const node = await createFulfilmentNode(t(), { dailyPickCapacity: 40, dailyPackCapacity: 30 })
    for (const role of rolesOf('operations')) {
      for (const [query, variables] of [[NODES_QUERY, {}], [NODE_QUEUE_QUERY, { locationCode: node }], [NODE_AUTOMATION_QUERY, { locationCode: node }]] as const) {
        const res = await run(query, variables, role)
        expect({ role, errors: res.errors }).toEqual({ role, errors: undefined })
        expect(res.cost).toBeLessThanOrEqual(MAX_QUERY_COST)
      }
    }
    const read = await run(NODE_AUTOMATION_QUERY, { locationCode: node }, 'EXECUTIVE')
    // A node created through the API starts with automation off; release capacity is the lower of pick and pack.
    expect(read.data.location.automation).toMatchObject({ autoRelease: false, autoWave: false })
    expect(read.data.location.capacityToday).toMatchObject({ pickCapacity: 40, packCapacity: 30, releaseCapacity: 30, boundBy: 'PACK', released: 0, releasableLeft: 30 })

    const input = { locationCode: node, autoRelease: true, releaseEveryMinutes: 15, autoWave: true, waveAtOrders: 5, waveEveryMinutes: null, maxLinesPerWave: 40 }
    const refused = await run(CONFIGURE_NODE_AUTOMATION_MUTATION, { input }, 'EXECUTIVE')
    expect((refused.errors as Array<{ extensions: { code: string } }>)[0].extensions.code).toBe('FORBIDDEN')
    const bad = await run(CONFIGURE_NODE_AUTOMATION_MUTATION, { input: { ...input, releaseEveryMinutes: 2000 } }, 'OPERATIONS')
    expect(bad.data.configureNodeAutomation.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'releaseEveryMinutes'] })])
    const ok = await run(CONFIGURE_NODE_AUTOMATION_MUTATION, { input }, 'OPERATIONS')
    expect(ok.data.configureNodeAutomation.userErrors).toEqual([])
    expect(ok.data.configureNodeAutomation.location.automation).toMatchObject({ autoRelease: true, releaseEveryMinutes: 15, autoWave: true, waveAtOrders: 5, waveEveryMinutes: null, maxLinesPerWave: 40 })
    expect(ok.cost).toBeLessThanOrEqual(MAX_QUERY_COST)
  })
})
