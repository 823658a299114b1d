import type { Database } from '@ops-hub/db'

export interface SeedOptions {
  seed: number
  progress?: boolean
}

/** Seeds the demo scenario (being built: see issue 2). */
export async function seedDemo(_db: Database, _opts: SeedOptions): Promise<void> {}
