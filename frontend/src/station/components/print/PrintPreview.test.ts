import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import type { PrintedDocument } from '../../api/types'
import { i18n } from '../../i18n'
import { mountApp } from '../../testing/mount'
import PrintPreview from './PrintPreview.vue'

const doc = {
  kind: 'receipt',
  case: {
    id: 'c1',
    number: '370112001-20261127-0042',
    station: '370112001',
    holder: '370112001',
    item_code: 'X',
    item_version: 1,
    item_name: '最低生活保障审核确认',
    item_kind: '承诺件',
    handled_at: 'hall',
    channel: 'window',
    applicant: { type: 'person', name: '刘桂兰', id_type: 'resident_id', id_number: '370112196207080020', phone: '13912340000' },
    materials: [],
    legal_limit: { value: 20, unit: 'G' },
    promised_limit: { value: 10, unit: 'G' },
    state: 'received',
    // 2026-11-27 17:30 UTC is 2026-11-28 01:30 in China.
    received_at: '2026-11-27T17:30:00.000000000Z',
    updated_at: '2026-11-27T17:30:00.000000000Z',
    last_event: 'e1',
    events: 1,
  },
  station: { code: '370112001', name: '示例镇便民服务中心', region: '370112', kind: 'township' },
  date: '2026-11-28',
  qr: '',
  signed: false,
  clerk_name: '李窗口',
  waived: 0,
  query_password: '123456',
  short_number: '1127-0042',
  materials: [
    { code: 'M6', name: '近期二寸免冠彩色照片', required: '必要', spec: '二寸，白底', originals: 2, copies: 0, collected: 'paper' },
    { code: 'M1', name: '居民身份证', required: '必要', spec: '', originals: 1, copies: 1, collected: 'missing' },
  ],
} as unknown as PrintedDocument

describe('PrintPreview', () => {
  afterEach(() => {
    document.body.innerHTML = ''
    i18n.global.locale.value = 'zh-CN'
  })

  it('prints in Chinese whatever the interface language, dated in the station zone, with each material specification', async () => {
    const wrapper = mountApp(PrintPreview, { props: { doc } })
    i18n.global.locale.value = 'en-US' // the clerk works in English
    await flushPromises()
    const text = wrapper.text()
    expect(text).toContain('收件凭证')
    expect(text).toContain('2026年11月28日')
    expect(text).toContain('2026-11-28 01:30')
    expect(text).toContain('二寸，白底；原件 2 份')
    expect(text).toContain('原件 1 份，复印件 1 份')
    expect(text).not.toContain('Receipt')
  })

  it('prints the English copy when asked, marked as a copy', async () => {
    const wrapper = mountApp(PrintPreview, { props: { doc, locale: 'en-US' } })
    await flushPromises()
    expect(wrapper.text()).toContain('Receipt of Application')
    expect(wrapper.text()).toContain('the Chinese document prevails')
  })
})
