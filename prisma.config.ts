// Prisma 7 CLI configuration. Generation is offline (no engine download); migrations are authored with
// ../shared/tools/prisma-offline and applied at start-up by packages/db (see README "Migrations").
import { defineConfig } from 'prisma/config'

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/ops_hub' },
})
