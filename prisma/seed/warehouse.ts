import { localDay, localMinutes } from './calendar.ts'
import type { Fulfilment, FoState } from './fulfilment.ts'
import type { World } from './world.ts'

/** Pick waves and tasks for the work on the floor right now (fulfillment orders being picked or packed). */
export function seedWaves(w: World, fulfilment: Fulfilment): void {
  const sequence = new Map(w.rows.bins.map((b) => [b.id as number, b.sequence as number]))
  const groups = new Map<string, FoState[]>()
  for (const o of fulfilment.orders) {
    for (const fo of o.fos) {
      if (fo.row.status !== 'PICKING' && fo.row.status !== 'PACKED') continue
      const key = `${fo.node.id}:${localDay(fo.node.tz, fo.pickStartAt)}:${Math.floor(localMinutes(fo.node.tz, fo.pickStartAt) / 120)}`
      groups.set(key, [...(groups.get(key) ?? []), fo])
    }
  }
  for (const fos of groups.values()) {
    const start = Math.min(...fos.map((f) => f.pickStartAt))
    const done = fos.every((f) => f.pickedAt <= w.now)
    const wave = w.insert('pick_waves', {
      number: '',
      location_id: fos[0].node.id,
      status: done ? 'COMPLETED' : 'IN_PROGRESS',
      created_by: 'system',
      created_at: new Date(start - 5 * 60_000),
      completed_at: done ? new Date(Math.max(...fos.map((f) => f.pickedAt))) : null,
    })
    wave.number = `WV-${1000 + wave.id}`
    for (const fo of fos) {
      fo.row.pick_wave_id = wave.id
      const picked = fo.pickedAt <= w.now
      for (const a of fo.allocs) {
        const bin = a.pos.binIds[0]
        w.insert('pick_tasks', {
          wave_id: wave.id,
          fulfillment_order_id: fo.row.id,
          allocation_id: a.row.id,
          bin_id: bin,
          sku_id: a.pos.sku.id,
          quantity: a.qty,
          picked_quantity: picked ? a.qty : 0,
          status: picked ? 'PICKED' : 'OPEN',
          sequence: sequence.get(bin) ?? 0,
          confirmed_by: picked ? `warehouse:${fo.node.code}` : null,
          confirmed_at: picked ? new Date(fo.pickedAt) : null,
        })
      }
    }
  }
}
