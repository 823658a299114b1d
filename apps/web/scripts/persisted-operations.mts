// The dashboard's persisted operations: every GraphQL document exported by apps/web/features/*/*.graphql.ts, as the
// urql client sends it (typenames added to queries and mutations, printed), keyed by the sha256 of that text. The
// browser sends only the hash (persistedExchange computes the same one); the API allow-lists these documents.
// Found by scanning the folders, so a new document is listed without anyone keeping a list.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { Kind, parse, type OperationDefinitionNode } from 'graphql'
import { createRequest, formatDocument, stringifyDocument } from '@urql/core'

export const FEATURES_DIR = path.resolve(import.meta.dirname, '../features')

export interface PersistedOperation {
  hash: string
  name: string | null
  kind: 'query' | 'mutation' | 'subscription'
  document: string
  /** Where it is defined, e.g. features/finance/finance.graphql.ts#FINANCE_OVERVIEW_QUERY. */
  source: string
}

/** The document files: every `*.graphql.ts` one folder below features/. */
export function documentFiles(dir = FEATURES_DIR): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => fs.readdirSync(path.join(dir, d.name)).filter((f) => f.endsWith('.graphql.ts')).map((f) => path.join(dir, d.name, f)))
    .sort()
}

/** The text urql sends for a document, and its hash (what persistedExchange puts in extensions.persistedQuery). */
export function asSent(text: string): { document: string; hash: string; kind: PersistedOperation['kind']; name: string | null } | null {
  let operation: OperationDefinitionNode | undefined
  try {
    operation = parse(text).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
  } catch {
    return null
  }
  if (!operation) return null
  const request = createRequest(text, {})
  // urql's cacheExchange adds __typename to queries and mutations before they are sent; subscriptions go as written.
  const document = stringifyDocument(operation.operation === 'subscription' ? request.query : formatDocument(request.query))
  return { document, hash: crypto.createHash('sha256').update(document).digest('hex'), kind: operation.operation, name: operation.name?.value ?? null }
}

/** The strings a module exports, also inside exported objects (e.g. one mutation per action, keyed by its name). */
function documentStrings(value: unknown, name = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[name, value]]
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return []
  return Object.entries(value).flatMap(([key, v]) => documentStrings(v, name ? `${name}.${key}` : key))
}

/** Every operation the dashboard can send, by hash. */
export async function dashboardOperations(dir = FEATURES_DIR): Promise<Map<string, PersistedOperation>> {
  const found = new Map<string, PersistedOperation>()
  for (const file of documentFiles(dir)) {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>
    for (const [exported, value] of documentStrings(mod)) {
      const op = asSent(value)
      if (op) found.set(op.hash, { ...op, source: `${path.relative(path.dirname(dir), file)}#${exported}` })
    }
  }
  return found
}

// `tsx apps/web/scripts/persisted-operations.mts [out.json]` prints (or writes) the manifest { hash: document }.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const ops = await dashboardOperations()
  const manifest = JSON.stringify(Object.fromEntries([...ops].map(([h, o]) => [h, o.document])), null, 2)
  if (process.argv[2]) fs.writeFileSync(process.argv[2], manifest)
  else console.log(manifest)
}
