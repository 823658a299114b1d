// npm run token -- --role OPERATIONS [--channel CODE] [--sub name] [--expires 30d]
// Signs a bearer token with HUB_SECRET (or the secret kept in DATA_DIR). No database access, so it works
// while the hub is running on embedded PGlite. The token is the last line printed.
import { parseArgs } from 'node:util'
import { signToken, ROLES } from '@ops-hub/domain'
import type { Role } from '@ops-hub/db'
import { loadConfig } from '../config.ts'

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    channel: { type: 'string' },
    sub: { type: 'string' },
    expires: { type: 'string', default: '30d' },
  },
})
const role = values.role?.toUpperCase() as Role | undefined
if (!role || !ROLES.includes(role)) {
  console.error(`usage: npm run token -- --role <${ROLES.join('|')}> [--channel CODE] [--sub NAME] [--expires 30d]`)
  process.exit(2)
}
if (role === 'PARTNER' && !values.channel) {
  console.error('A PARTNER token needs --channel CODE (the one channel it may see)')
  process.exit(2)
}
const config = loadConfig()
const token = await signToken(
  config.secret,
  { sub: values.sub ?? `${role.toLowerCase()}@ops-hub.local`, role, channel: values.channel },
  values.expires,
)
console.error(`# ${role}${values.channel ? ` for channel ${values.channel}` : ''}, expires in ${values.expires}. Use as: Authorization: Bearer <token>`)
console.log(token)
