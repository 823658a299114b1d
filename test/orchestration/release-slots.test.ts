import { describe, expect, it } from 'vitest'
import { releaseSlot } from '@ops-hub/domain'

describe('release slots', () => {
  it('are N-minute windows of the node\'s local day, counted from local midnight', () => {
    // 16:16 in Chicago (CST, UTC-6) on a December day.
    const now = new Date('2026-12-07T22:16:00Z')
    expect(releaseSlot(now, 'America/Chicago', 30)).toEqual({ start: new Date('2026-12-07T22:00:00Z'), label: '16:00-16:30' })
    expect(releaseSlot(now, 'America/Chicago', 45)).toEqual({ start: new Date('2026-12-07T21:45:00Z'), label: '15:45-16:30' })
    expect(releaseSlot(now, 'America/Los_Angeles', 60)).toEqual({ start: new Date('2026-12-07T22:00:00Z'), label: '14:00-15:00' })
    // A length that does not divide the day: the last slot ends at midnight.
    expect(releaseSlot(new Date('2026-12-07T23:50:00Z'), 'UTC', 420)).toEqual({ start: new Date('2026-12-07T21:00:00Z'), label: '21:00-00:00' })
  })

  it('follow the local clock across a daylight-saving change', () => {
    // 2026-03-08 02:00 CST -> 03:00 CDT in Chicago. 10:05 CDT is 15:05Z (not 16:05Z as in winter).
    expect(releaseSlot(new Date('2026-03-08T15:05:00Z'), 'America/Chicago', 60)).toEqual({ start: new Date('2026-03-08T15:00:00Z'), label: '10:00-11:00' })
    expect(releaseSlot(new Date('2026-03-07T16:05:00Z'), 'America/Chicago', 60)).toEqual({ start: new Date('2026-03-07T16:00:00Z'), label: '10:00-11:00' })
  })
})
