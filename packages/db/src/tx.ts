import type { PrismaClient } from './generated/prisma/client.ts'

/** What a domain command receives: the interactive-transaction client (no $transaction/$connect). */
export type TransactionClient = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>
