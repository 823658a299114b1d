import { describe, expect, it } from 'vitest'
import { schema } from '../../packages/schema/src/schema.ts'

// Every entry point of the API states who may use it. `health` is the one deliberate exception: load
// balancers and newcomers check it without a token.
const PUBLIC = new Set(['Query.health'])

describe('authorization coverage', () => {
  it('every query, mutation and subscription field declares its auth scopes', () => {
    const unguarded: string[] = []
    for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      for (const [name, field] of Object.entries(type?.getFields() ?? {})) {
        const options = (field.extensions as { pothosOptions?: { authScopes?: unknown } } | undefined)?.pothosOptions
        if (!options?.authScopes && !PUBLIC.has(`${type!.name}.${name}`)) unguarded.push(`${type!.name}.${name}`)
      }
    }
    expect(unguarded).toEqual([])
  })
})
