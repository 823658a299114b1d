import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { printSchemaFile, schemaFilePath } from '../../packages/schema/src/printed.ts'

describe('schema.graphql', () => {
  it('is committed and matches the Pothos schema (run `npm run print-schema` after API changes)', () => {
    expect(fs.readFileSync(schemaFilePath, 'utf8')).toBe(printSchemaFile())
  })
})
