import { z } from 'zod'

/** Business codes (SKU, location, channel) are what integrations key on: short, stable, no spaces. */
export const codeSchema = z
  .string()
  .trim()
  .min(1, 'Code is required')
  .max(64, 'Code is at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'Code may contain letters, digits, ".", "_" and "-"')
