// Runtime configuration for the browser, read at request time so one `next build` serves any port:
// API_URL (full GraphQL URL) wins; otherwise the browser uses its own hostname with API_PORT.
export const dynamic = 'force-dynamic'

export function GET() {
  const apiPort = Number(process.env.API_PORT || 4000)
  return Response.json(
    { apiUrl: process.env.API_URL || null, apiPort: Number.isFinite(apiPort) ? apiPort : 4000 },
    { headers: { 'cache-control': 'no-store' } },
  )
}
