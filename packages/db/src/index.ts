// Public entry of @ops-hub/db: the database factory, the migration runner and Prisma's generated types.
export { openDatabase, type Database, type DatabaseKind, type DatabaseOptions } from './client.ts'
export { applyMigrations, migrationsDir, type MigrationReport, type SqlRunner, type SqlClient } from './migrate.ts'
export { Prisma, PrismaClient } from './generated/prisma/client.ts'
export * from './generated/prisma/enums.ts'
export type * from './generated/prisma/models.ts'
export type { default as PrismaTypes } from './generated/pothos-types.ts'
export type { TransactionClient as Tx } from './tx.ts'
export { getDatamodel } from './generated/pothos-types.ts'
