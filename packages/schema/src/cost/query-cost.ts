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
import { fieldCostRule } from './field-cost.ts'

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
  const type = runtimeType(schema, declared, value)
  let total = 0
  for (const [key, { node, on }] of collectFields(schema, fragments, set, type)) {
    if (!(key in value) || node.name.value.startsWith('__')) continue
    // A field selected in a fragment for another concrete type is absent from this object; one on an interface is
    // looked up on the concrete type when known.
    const owner = (isObjectType(on) ? on : isObjectType(type) ? type : on) as GraphQLObjectType
    const field = 'getFields' in owner ? owner.getFields()[node.name.value] : undefined
    if (!field) continue
    const rule = fieldCostRule(field as never, {}, owner.name)
    const v = value[key]
    const child = (item: unknown) =>
      node.selectionSet && item && typeof item === 'object'
        ? costOfObject(schema, fragments, node.selectionSet, getNamedType(field.type) as GraphQLCompositeType, item as Record<string, unknown>)
        : 0
    switch (rule.kind) {
      case 'leaf':
        total += rule.cost
        break
      case 'object':
        total += rule.cost + child(v)
        break
      case 'connection':
        total += rule.cost + child(v)
        break
      case 'page':
      case 'list':
        if (Array.isArray(v)) for (const item of v) total += rule.each + child(item)
        break
    }
  }
  return total
}
