import { describe, expect, it } from 'vitest'
import { callText, windowNumber } from './announce'

describe('announce', () => {
  it.each([
    ['2', '2'],
    ['2号', '2'],
    ['2 号窗口', '2'],
    ['2号窗口', '2'],
    [' 12 ', '12'],
    ['综合', '综合'],
  ])('window %s → %s', (typed, want) => {
    expect(windowNumber(typed)).toBe(want)
  })

  it('says the call in Chinese, as the waiting room hears it', () => {
    expect(callText('A003', '2')).toBe('请 A003 号到 2 号窗口办理')
    expect(callText('Y001', '3号窗口')).toBe('请 Y001 号到 3 号窗口办理')
  })
})
