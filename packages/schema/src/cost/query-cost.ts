import { complexityFromQuery } from '@pothos/plugin-complexity'
import {
  Kind,
  visit,
  getNamedType,
  getOperationAST,
  isAbstractType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql'
import { fieldCostRule, type FieldCostRule } from './field-cost.ts'

export interface RequestedCost {
  cost: number
  depth: number
  breadth: number
}

/**
 * What a request may cost, from the schema before anything runs: the complexity plugin walks the operation with the
 * request's variables and each field's rule (fieldComplexity), so page sizes asked for are what is charged.
 * Null when the operation cannot be measured (unknown operation, variables that do not coerce): execution refuses it.
 */
export function requestedQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  ctx: object,
): RequestedCost | null {
  // Remembered per parsed document (yoga's parse cache hands back the same object for the same text) and variables:
  // the cost depends on nothing else (fieldComplexity reads the arguments, never the context), and a client sends
  // the same few operations over and over.
  const key = `${operationName ?? ''}\u0000${JSON.stringify(variables ?? {})}`
  // Large variables (bulk inputs) are measured each time rather than kept: 64 of them per document would hold megabytes.
  if (key.length > REMEMBERED_KEY_CHARS) return measureRequestedCost(schema, document, operationName, variables, ctx)
  let known = requestedCosts.get(document)
  if (!known) requestedCosts.set(document, (known = new Map()))
  const hit = known.get(key)
  if (hit !== undefined) return hit
  const cost = measureRequestedCost(schema, document, operationName, variables, ctx)
  if (known.size >= REMEMBERED_PER_DOCUMENT) known.clear()
  known.set(key, cost)
  return cost
}

const requestedCosts = new WeakMap<DocumentNode, Map<string, RequestedCost | null>>()
/** Variable sets remembered per document; a client paging through ids would otherwise grow it without end. */
const REMEMBERED_PER_DOCUMENT = 64
const REMEMBERED_KEY_CHARS = 2048

function measureRequestedCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  ctx: object,
): RequestedCost | null {
  const operation = getOperationAST(document, operationName ?? undefined)
  if (!operation) return null
  // Meta fields (__typename, which every urql client adds to each object) are free, as Shopify counts them; the
  // complexity plugin would charge each one its default of 1 and double the cost of what a dashboard reads.
  const only = visit(
    { ...document, definitions: [operation, ...document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)] },
    { Field: (field) => (field.name.value.startsWith('__') && field.name.value !== '__schema' && field.name.value !== '__type' ? null : undefined) },
  )
  try {
    const { complexity, depth, breadth } = complexityFromQuery(only, { schema, ctx, variables: variables ?? {} })
    return { cost: complexity, depth, breadth }
  } catch {
    return null
  }
}

/**
 * What a response actually cost: the same rules applied to the data that came back, counting the nodes and items
 * returned instead of the page sizes and estimates asked for.
 */
export function actualQueryCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, data: unknown): number {
  const operation = getOperationAST(document, operationName ?? undefined)
  const root = operation && schema.getRootType(operation.operation)
  if (!operation || !root || !data || typeof data !== 'object') return 0
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  )
  return costOfObject(schema, fragments, operation.selectionSet, root, data as Record<string, unknown>)
}

type Fragments = Record<string, FragmentDefinitionNode>

/** One selected field as the actual cost reads it: where it is in the object, how it is charged, what is below it. */
interface CostedField {
  key: string
  rule: FieldCostRule
  selection: SelectionSetNode | undefined
  type: GraphQLCompositeType
}

/**
 * The charged fields of a selection on a concrete type, worked out once per selection (a node of a parsed document,
 * which yoga's parse cache reuses) and type rather than once per returned object: a page of 20 orders with their
 * lines, allocations and milestones is about a thousand objects of a handful of selections.
 */
const plans = new WeakMap<SelectionSetNode, Map<GraphQLCompositeType, CostedField[]>>()

function planOf(schema: GraphQLSchema, fragments: Fragments, set: SelectionSetNode, type: GraphQLCompositeType): CostedField[] {
  let byType = plans.get(set)
  if (!byType) plans.set(set, (byType = new Map()))
  let plan = byType.get(type)
  if (plan) return plan
  plan = []
  for (const [key, { node, on }] of collectFields(schema, fragments, set, type)) {
    if (node.name.value.startsWith('__')) continue
    // A field selected in a fragment for another concrete type is absent from this object; one on an interface is
    // looked up on the concrete type when known.
    const owner = (isObjectType(on) ? on : isObjectType(type) ? type : on) as GraphQLObjectType
    const field = 'getFields' in owner ? owner.getFields()[node.name.value] : undefined
    if (!field) continue
    plan.push({ key, rule: fieldCostRule(field as never, {}, owner.name), selection: node.selectionSet, type: getNamedType(field.type) as GraphQLCompositeType })
  }
  byType.set(type, plan)
  return plan
}

/** Fields of a selection by response key, each with the type it was selected on (fragments flattened). */
function collectFields(schema: GraphQLSchema, fragments: Fragments, set: SelectionSetNode, type: GraphQLCompositeType, out = new Map<string, { node: FieldNode; on: GraphQLCompositeType }>(), seen = new Set<string>()) {
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const key = sel.alias?.value ?? sel.name.value
      if (!out.has(key)) out.set(key, { node: sel, on: type })
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const on = sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) as GraphQLCompositeType) : type
      collectFields(schema, fragments, sel.selectionSet, on, out, seen)
    } else {
      const fragment = fragments[sel.name.value]
      if (!fragment || seen.has(sel.name.value)) continue
      seen.add(sel.name.value)
      collectFields(schema, fragments, fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType, out, seen)
    }
  }
  return out
}

/** The concrete type of a returned object: its __typename when selected, else the type the fields were asked on. */
function runtimeType(schema: GraphQLSchema, declared: GraphQLCompositeType, value: Record<string, unknown>): GraphQLCompositeType {
  if (!isAbstractType(declared)) return declared
  const named = typeof value.__typename === 'string' ? schema.getType(value.__typename) : null
  return named && isObjectType(named) ? named : declared
}

function costOfObject(schema: GraphQLSchema, fragments: Fragments, set: SelectionSetNode, declared: GraphQLCompositeType, value: Record<string, unknown>): number {
  let total = 0
  for (const { key, rule, selection, type } of planOf(schema, fragments, set, runtimeType(schema, declared, value))) {
    if (!(key in value)) continue
    const v = value[key]
    switch (rule.kind) {
      case 'leaf':
        total += rule.cost
        break
      case 'object':
      case 'connection':
        total += rule.cost + costOfChild(schema, fragments, selection, type, v)
        break
      case 'page':
      case 'list':
        if (Array.isArray(v)) for (const item of v) total += rule.each + costOfChild(schema, fragments, selection, type, item)
        break
    }
  }
  return total
}

function costOfChild(schema: GraphQLSchema, fragments: Fragments, selection: SelectionSetNode | undefined, type: GraphQLCompositeType, item: unknown): number {
  return selection && item && typeof item === 'object' ? costOfObject(schema, fragments, selection, type, item as Record<string, unknown>) : 0
}
