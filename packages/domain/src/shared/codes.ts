import { z } from 'zod'

/** Business codes (SKU, location, channel) are what integrations key on: short, stable, no spaces. */
export const codeSchema = z
  .string()
  .trim()
  .min(1, 'Code is required')
  .max(64, 'Code is at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'Code may contain letters, digits, ".", "_" and "-"')

/**
 * A reference document: a URI with a scheme and no spaces (`https://dms.example/…`, `po:PO-1042`, `rma:RMA-9`), the
 * shape the hub gives its own (`order:…`, `feed:…`, `cycle-count:…`). Clients render it as a link, so the schemes
 * that run script or carry their content inline (javascript:, vbscript:, data:) and local files are refused.
 */
export const referenceUriSchema = z
  .string()
  .trim()
  .min(1, 'A reference document URI cannot be empty')
  .max(500, 'A reference document URI is at most 500 characters')
  .regex(/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/, 'A reference document is a URI with a scheme and no spaces, e.g. https://… or po:PO-1042')
  .refine((uri) => !/^(javascript|vbscript|data|file):/i.test(uri), 'javascript:, vbscript:, data: and file: URIs are not accepted as reference documents')
