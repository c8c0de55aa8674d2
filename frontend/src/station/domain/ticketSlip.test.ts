import { describe, expect, it } from 'vitest'
import type { Ticket } from '../api/types'
import { ticketSlipHTML } from './ticketSlip'

const ticket = { id: 't1', number: 'A003', day: '2026-11-27', status: 'waiting', issued_at: '2026-11-27T00:48:00.123456789Z', wait_secs: 0, ahead: 2 } as Ticket

describe('ticketSlipHTML', () => {
  it('shows the number, the item, how many are ahead, the station and the time in the station zone', () => {
    const html = ticketSlipHTML(ticket, { station: '示例镇便民服务中心', item: '城乡居民基本养老保险参保登记' }, '58')
    for (const want of ['A003', '城乡居民基本养老保险参保登记', '前面还有 2 人等候', '示例镇便民服务中心', '2026-11-27 08:48']) {
      expect(html).toContain(want)
    }
    expect(html).toContain('size: 58mm')
  })

  it('fits the 80 mm roll and escapes what it is given', () => {
    const html = ticketSlipHTML(ticket, { station: '<b>站</b>', item: '' }, '80')
    expect(html).toContain('size: 80mm')
    expect(html).toContain('&lt;b&gt;站&lt;/b&gt;')
    expect(html).toContain('综合业务')
  })
})
