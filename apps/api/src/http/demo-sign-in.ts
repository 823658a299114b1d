import type http from 'node:http'
import { z } from 'zod'
import { signToken, ROLES } from '@ops-hub/domain'
import type { Role } from '@ops-hub/db'
import { readBody, type HttpRoute } from './router.ts'

/** The roles the dashboard offers as one-click buttons (a partner needs a channel, so it is not one of them). */
export const DEMO_SIGN_IN_ROLES: Role[] = ['EXECUTIVE', 'OPERATIONS', 'PROCUREMENT', 'FINANCE', 'CUSTOMER_SERVICE', 'ADMIN']

// Demo tokens are short-lived: they exist so a newcomer can look around, not to be kept.
const DEMO_TOKEN_LIFETIME = '12h'

const demoTokenInput = z.object({
  role: z.enum(ROLES as [Role, ...Role[]]),
  channel: z.string().min(1).max(64).optional(),
})

function send(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: unknown) {
  // Same cross-origin policy as /graphql (yoga reflects the origin and answers the preflight): the
  // dashboard is served from another port.
  const origin = req.headers.origin
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    ...(origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}),
  })
  res.end(JSON.stringify(body))
}

/**
 * One-click sign-in for the demo: anyone who can reach the API may get a token for any role. Registered
 * only when the app is built with `demoSignIn: true` (embedded demo database, or HUB_DEMO_SIGNIN=1);
 * otherwise both paths answer 404 like any unknown path.
 */
export function demoSignInRoutes(secret: string): HttpRoute[] {
  return [
    {
      method: 'GET',
      path: '/auth/demo-token',
      async handle(req, res) {
        send(req, res, 200, { demoMode: true, roles: DEMO_SIGN_IN_ROLES })
      },
    },
    {
      method: 'POST',
      path: '/auth/demo-token',
      async handle(req, res) {
        let json: unknown
        try {
          json = JSON.parse(await readBody(req, 10_000))
        } catch {
          return send(req, res, 400, { error: 'Body must be JSON: { "role": "OPERATIONS" }' })
        }
        const parsed = demoTokenInput.safeParse(json)
        if (!parsed.success) return send(req, res, 400, { error: `role must be one of ${ROLES.join(', ')}` })
        const { role, channel } = parsed.data
        if (role === 'PARTNER' && !channel) return send(req, res, 400, { error: 'A PARTNER token needs a channel code' })
        const token = await signToken(
          secret,
          { sub: `demo-${role.toLowerCase().replace('_', '-')}@ops-hub.local`, role, channel: role === 'PARTNER' ? channel : undefined },
          DEMO_TOKEN_LIFETIME,
        )
        send(req, res, 200, { token })
      },
    },
  ]
}
