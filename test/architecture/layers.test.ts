import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

// Dependencies point one way: apps -> schema -> domain -> db. A package may not import a layer above it.
const FORBIDDEN: Record<string, RegExp> = {
  'packages/db/src': /from ['"](@ops-hub\/(domain|schema|api|web)|graphql|@pothos\/|graphql-yoga)/,
  'packages/domain/src': /from ['"](@ops-hub\/(schema|api|web)|graphql|graphql-yoga|graphql-ws|@pothos\/|next|react)/,
  'packages/schema/src': /from ['"](@ops-hub\/(api|web)|.*apps\/)/,
  // Metrics read the database and know nothing of GraphQL: the schema exposes them, not the other way round.
  'packages/analytics/src': /from ['"](@ops-hub\/(schema|api|web)|graphql|graphql-yoga|graphql-ws|@pothos\/|next|react)/,
}

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return e.name === 'generated' ? [] : sourceFiles(p)
    return /\.(ts|tsx)$/.test(e.name) ? [p] : []
  })
}

describe('layering', () => {
  for (const [dir, pattern] of Object.entries(FORBIDDEN)) {
    it(`${dir} imports nothing from the layers above it`, () => {
      const offenders = sourceFiles(dir).flatMap((file) =>
        fs
          .readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({ file, line: i + 1, text: line }))
          .filter((l) => pattern.test(l.text)),
      )
      expect(offenders.map((o) => `${o.file}:${o.line}: ${o.text.trim()}`)).toEqual([])
    })
  }

  it('the dashboard knows the API only through GraphQL documents (no imports of server packages)', () => {
    const offenders = sourceFiles('apps/web').filter((f) => !f.includes('node_modules') && !f.includes('.next'))
      .filter((f) => /from ['"]@ops-hub\/(db|domain|schema|api)/.test(fs.readFileSync(f, 'utf8')))
    expect(offenders).toEqual([])
  })
})
