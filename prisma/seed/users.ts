import { DAY } from './calendar.ts'
import type { World } from './world.ts'

const STAFF: Array<[key: string, email: string, name: string, role: string]> = [
  ['admin', 'admin@demo.ops-hub.local', 'Avery Admin', 'ADMIN'],
  ['exec', 'coo@demo.ops-hub.local', 'Morgan Blake', 'EXECUTIVE'],
  ['cfo', 'cfo@demo.ops-hub.local', 'Priya Raman', 'EXECUTIVE'],
  ['opsLead', 'ops.lead@demo.ops-hub.local', 'Jordan Reyes', 'OPERATIONS'],
  ['opsAnalyst', 'ops.analyst@demo.ops-hub.local', 'Sam Okafor', 'OPERATIONS'],
  ['supervisor', 'warehouse.supervisor@demo.ops-hub.local', 'Dana Kowalski', 'OPERATIONS'],
  ['nightShift', 'night.shift@demo.ops-hub.local', 'Chris Vance', 'OPERATIONS'],
  ['buyer', 'buyer@demo.ops-hub.local', 'Elena Marsh', 'PROCUREMENT'],
  ['procLead', 'procurement.lead@demo.ops-hub.local', 'Tomás Herrera', 'PROCUREMENT'],
  ['finance', 'finance@demo.ops-hub.local', 'Grace Liu', 'FINANCE'],
  ['controller', 'controller@demo.ops-hub.local', 'Ibrahim Nasser', 'FINANCE'],
  ['cs', 'cs.agent@demo.ops-hub.local', 'Riley Chen', 'CUSTOMER_SERVICE'],
  ['csLead', 'cs.lead@demo.ops-hub.local', 'Nora Whitfield', 'CUSTOMER_SERVICE'],
]

/** A few staff per role for display and audit columns (sign-in uses signed tokens, not these rows). */
export function seedUsers(w: World): void {
  const at = new Date(w.now - 300 * DAY)
  for (const [key, email, name, role] of STAFF) {
    w.insert('users', { email, name, role, channel_id: null, active: true, created_at: at })
    w.users[key] = `user:${email}`
  }
  for (const [code, email, name] of [
    ['MARKET-A', 'integration@market-a.example', 'Marketplace A integration'],
    ['MARKET-B', 'integration@market-b.example', 'Marketplace B integration'],
  ]) {
    w.insert('users', { email, name, role: 'PARTNER', channel_id: w.channel(code).id, active: true, created_at: at })
  }
}
