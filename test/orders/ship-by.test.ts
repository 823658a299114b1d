import { describe, expect, it } from 'vitest'
import { addBusinessDays, computePriority, computeShipBy, localParts, workingDay, zonedInstant } from '@ops-hub/domain'

const utcNode = { timezone: 'UTC', cutoffMinutes: 15 * 60 }
const none = new Set<string>()
const thanksgiving = new Set(['2026-11-26'])

describe('business calendar', () => {
  it('skips weekends and holidays', () => {
    expect(addBusinessDays('2026-11-27', 1, none)).toBe('2026-11-30') // Friday -> Monday
    expect(addBusinessDays('2026-11-25', 1, thanksgiving)).toBe('2026-11-27')
    expect(addBusinessDays('2026-11-25', 2, thanksgiving)).toBe('2026-11-30')
  })

  it("converts a node's wall clock to instants across time zones and DST", () => {
    expect(zonedInstant('2026-11-25', 900, 'America/New_York').toISOString()).toBe('2026-11-25T20:00:00.000Z') // EST
    expect(zonedInstant('2026-07-01', 900, 'America/New_York').toISOString()).toBe('2026-07-01T19:00:00.000Z') // EDT
    expect(zonedInstant('2026-03-09', 900, 'America/New_York').toISOString()).toBe('2026-03-09T19:00:00.000Z') // day after spring forward
    expect(zonedInstant('2026-11-25', 17 * 60, 'Europe/Amsterdam').toISOString()).toBe('2026-11-25T16:00:00.000Z')
    expect(localParts(new Date('2026-11-26T03:30:00Z'), 'America/Los_Angeles')).toEqual({ date: '2026-11-25', minutes: 19 * 60 + 30 })
  })

  it("uses today before cut-off on a business day, else the next business day, in the node's zone", () => {
    expect(workingDay(new Date('2026-11-25T10:00:00Z'), utcNode, none)).toEqual({ day: '2026-11-25', afterCutoff: false })
    expect(workingDay(new Date('2026-11-25T15:00:00Z'), utcNode, none)).toEqual({ day: '2026-11-26', afterCutoff: true })
    expect(workingDay(new Date('2026-11-28T09:00:00Z'), utcNode, none)).toEqual({ day: '2026-11-30', afterCutoff: false }) // Saturday
    // 22:00 UTC is 14:00 in Los Angeles: still before a 15:00 local cut-off.
    expect(workingDay(new Date('2026-11-25T22:00:00Z'), { timezone: 'America/Los_Angeles', cutoffMinutes: 900 }, none).day).toBe('2026-11-25')
  })
})

describe('ship-by from service level, cut-off and calendar', () => {
  const at = (iso: string, serviceLevel: 'SAME_DAY' | 'EXPRESS' | 'STANDARD', holidays = none, node = utcNode) =>
    computeShipBy({ placedAt: new Date(iso), serviceLevel, node, holidays }).toISOString()

  it('SAME_DAY ships at today’s cut-off when placed before it, else at the next business day’s', () => {
    expect(at('2026-11-25T10:00:00Z', 'SAME_DAY')).toBe('2026-11-25T15:00:00.000Z')
    expect(at('2026-11-25T16:00:00Z', 'SAME_DAY')).toBe('2026-11-26T15:00:00.000Z')
    expect(at('2026-11-25T16:00:00Z', 'SAME_DAY', thanksgiving)).toBe('2026-11-27T15:00:00.000Z')
    expect(at('2026-11-27T16:00:00Z', 'SAME_DAY')).toBe('2026-11-30T15:00:00.000Z') // Friday late -> Monday
  })

  it('EXPRESS adds one business day, STANDARD two', () => {
    expect(at('2026-11-25T10:00:00Z', 'EXPRESS')).toBe('2026-11-26T15:00:00.000Z')
    expect(at('2026-11-25T10:00:00Z', 'EXPRESS', thanksgiving)).toBe('2026-11-27T15:00:00.000Z')
    expect(at('2026-11-25T10:00:00Z', 'STANDARD')).toBe('2026-11-27T15:00:00.000Z')
    expect(at('2026-11-26T10:00:00Z', 'STANDARD')).toBe('2026-11-30T15:00:00.000Z')
  })

  it("uses the node's own zone and cut-off", () => {
    const ny = { timezone: 'America/New_York', cutoffMinutes: 14 * 60 }
    expect(at('2026-11-25T18:30:00Z', 'SAME_DAY', none, ny)).toBe('2026-11-25T19:00:00.000Z') // 13:30 local, cut-off 14:00
    expect(at('2026-11-25T19:30:00Z', 'SAME_DAY', none, ny)).toBe('2026-11-26T19:00:00.000Z')
  })
})

describe('priority', () => {
  const now = new Date('2026-11-25T10:00:00Z')
  it('orders service levels, then ages and ship-by risk raise urgency', () => {
    const p = (serviceLevel: 'SAME_DAY' | 'EXPRESS' | 'STANDARD', ageH = 0, shipByH: number | null = 48) =>
      computePriority({ serviceLevel, placedAt: new Date(now.getTime() - ageH * 3_600_000), shipBy: shipByH === null ? null : new Date(now.getTime() + shipByH * 3_600_000), now })
    expect(p('SAME_DAY')).toBeLessThan(p('EXPRESS'))
    expect(p('EXPRESS')).toBeLessThan(p('STANDARD'))
    expect(p('STANDARD', 12)).toBe(p('STANDARD') - 3)
    expect(p('STANDARD', 1000)).toBe(p('STANDARD') - 20)
    expect(p('STANDARD', 0, 12)).toBe(p('STANDARD') - 10)
    expect(p('STANDARD', 0, 2)).toBe(p('STANDARD') - 20)
    expect(p('STANDARD', 0, -1)).toBe(p('STANDARD') - 30)
    expect(p('SAME_DAY', 1000, -5)).toBe(1)
  })
})
