import { describe, expect, it } from 'vitest'
import { chineseDate, clockDuration, formatClock, formatDate, formatDateTime, todayISO } from './time'

describe('times in China time', () => {
  it.each([
    // Nanoseconds, as Go sends them; 05:48 UTC is 13:48 in China.
    ['2026-11-27T05:48:00.123456789Z', '2026-11-27 13:48'],
    // 16:30 UTC is already the next day in China.
    ['2026-12-31T16:30:00Z', '2027-01-01 00:30'],
    ['2026-11-27T13:48:00+08:00', '2026-11-27 13:48'],
    ['', ''],
    [null, ''],
    ['not a time', ''],
  ])('formatDateTime(%j) = %j', (s, want) => {
    expect(formatDateTime(s)).toBe(want)
  })

  it('cuts the date and the clock from the same instant', () => {
    expect(formatDate('2026-12-31T16:30:00Z')).toBe('2027-01-01')
    expect(formatClock('2026-12-31T16:30:00Z')).toBe('00:30')
    expect(todayISO(new Date('2026-12-31T16:30:00Z'))).toBe('2027-01-01')
  })

  it('writes document dates and waiting times', () => {
    expect(chineseDate('2026-01-05')).toBe('2026年1月5日')
    expect(clockDuration(65)).toBe('1:05')
    expect(clockDuration(3725)).toBe('1:02:05')
  })
})
