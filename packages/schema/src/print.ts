// Writes schema.graphql (committed) so every API change shows in review diffs; a test fails when it is stale.
import fs from 'node:fs'
import { printSchemaFile, schemaFilePath } from './printed.ts'

fs.writeFileSync(schemaFilePath, printSchemaFile())
console.log(`wrote ${schemaFilePath}`)
