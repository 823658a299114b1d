const RUN_SUMMARY = /* GraphQL */ `
  fragment ScenarioRunSummary on ScenarioRun {
    id
    scenario
    status
    nextStates
    error
    cancelledBy
    requestedBy
    createdAt
    startedAt
    finishedAt
    params {
      days
      seed
      promoMultiplier
      feedIntervalHours
      supplierDelayDays
    }
    progress {
      fraction
      policy
      day
      days
    }
  }
`

const RUN_REPORT = /* GraphQL */ `
  fragment ScenarioRunReport on ScenarioRun {
    report {
      comparison {
        key
        label
        unit
        better
        hub
        naive
        difference
        winner
      }
      hub {
        daily {
          day
          orders
          backlog
          cancellations
          onTimeRate
        }
      }
      naive {
        daily {
          day
          orders
          backlog
          cancellations
          onTimeRate
        }
      }
    }
  }
`

export const SCENARIO_RUNS_QUERY = /* GraphQL */ `
  query ScenarioRuns($first: Int!) {
    scenarioRuns(first: $first) {
      totalCount
      nodes {
        ...ScenarioRunSummary
      }
    }
  }
  ${RUN_SUMMARY}
`

export const SCENARIO_RUN_QUERY = /* GraphQL */ `
  query ScenarioRun($id: ID!) {
    node(id: $id) {
      ... on ScenarioRun {
        ...ScenarioRunSummary
        ...ScenarioRunReport
      }
    }
  }
  ${RUN_SUMMARY}
  ${RUN_REPORT}
`

export const START_SCENARIO_RUN_MUTATION = /* GraphQL */ `
  mutation StartScenarioRun($input: StartScenarioRunInput!) {
    startScenarioRun(input: $input) {
      scenarioRun {
        ...ScenarioRunSummary
      }
      userErrors {
        field
        message
        code
      }
    }
  }
  ${RUN_SUMMARY}
`

export const CANCEL_SCENARIO_RUN_MUTATION = /* GraphQL */ `
  mutation CancelScenarioRun($input: CancelScenarioRunInput!) {
    cancelScenarioRun(input: $input) {
      scenarioRun {
        ...ScenarioRunSummary
      }
      userErrors {
        field
        message
        code
      }
    }
  }
  ${RUN_SUMMARY}
`

export const SCENARIO_RUN_SUBSCRIPTION = /* GraphQL */ `
  subscription ScenarioRunUpdated($id: ID!) {
    scenarioRunUpdated(id: $id) {
      ...ScenarioRunSummary
    }
  }
  ${RUN_SUMMARY}
`

export type ScenarioRunStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED'
export type ScenarioPolicy = 'HUB' | 'NAIVE'

export interface ScenarioParams {
  days: number
  seed: number
  promoMultiplier: number
  feedIntervalHours: number
  supplierDelayDays: number
}

export interface ScenarioRunSummary {
  id: string
  scenario: string
  status: ScenarioRunStatus
  /** What the run may still become (CANCELLED while it is QUEUED or RUNNING): the Cancel button is drawn from it. */
  nextStates: ScenarioRunStatus[]
  error: string | null
  cancelledBy: string | null
  requestedBy: string
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  params: ScenarioParams
  progress: { fraction: number; policy: ScenarioPolicy | null; day: number; days: number }
}

export interface ScenarioKpiComparison {
  key: string
  label: string
  unit: 'COUNT' | 'RATE' | 'HOURS' | 'DAYS'
  better: 'LOWER' | 'HIGHER' | 'NEITHER'
  hub: number | null
  naive: number | null
  difference: number | null
  winner: 'HUB' | 'NAIVE' | 'EVEN' | 'NONE'
}

export interface ScenarioDay {
  day: string
  orders: number
  backlog: number
  cancellations: number
  onTimeRate: number | null
}

export interface ScenarioRunDetail extends ScenarioRunSummary {
  report: { comparison: ScenarioKpiComparison[]; hub: { daily: ScenarioDay[] }; naive: { daily: ScenarioDay[] } } | null
}
