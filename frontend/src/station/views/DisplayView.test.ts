import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { i18n } from '../i18n'
import DisplayView from './DisplayView.vue'

vi.mock('../api/kiosk', () => ({ kioskQueueBoard: vi.fn() }))
vi.mock('../api/station', () => ({ info: vi.fn().mockResolvedValue({ initialised: true, identity: { code: '370112001', name: '示例镇便民服务中心' } }) }))
const api = vi.mocked(await import('../api/kiosk'))

const call = (id: string, number: string, window: string, at: string) => ({ id, number, window, called_at: at })

describe('DisplayView', () => {
  let said: string[]
  beforeEach(() => {
    vi.resetAllMocks()
    localStorage.clear()
    said = []
    vi.stubGlobal(
      'SpeechSynthesisUtterance',
      class {
        lang = ''
        volume = 1
        rate = 1
        constructor(public text: string) {}
      },
    )
    vi.stubGlobal('speechSynthesis', { speak: (u: { text: string }) => said.push(u.text), cancel: () => {}, getVoices: () => [] })
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('shows the newest call large, the others and the next numbers, and speaks only new calls when asked to', async () => {
    api.kioskQueueBoard.mockResolvedValue({ calls: [call('t1', 'A001', '1', 'x1')], next: ['A002', 'A003'], waiting: 2 })
    i18n.global.locale.value = 'zh-CN'
    const wrapper = mount(DisplayView, { attachTo: document.body, global: { plugins: [ElementPlus, i18n, createPinia()] } })
    await flushPromises()
    expect(wrapper.find('[data-test=display-latest]').text()).toBe('请 A001 号到 1 号窗口办理')
    expect(wrapper.find('[data-test=display-next]').text()).toContain('A002')
    expect(said).toEqual([]) // what was on the board before is not announced again

    await wrapper.find('[data-test=display-speak]').trigger('click')
    api.kioskQueueBoard.mockResolvedValue({ calls: [call('t2', 'A002', '2', 'x2'), call('t1', 'A001', '1', 'x1')], next: ['A003'], waiting: 1 })
    vi.advanceTimersByTime(2100)
    await flushPromises()
    expect(wrapper.find('[data-test=display-latest]').text()).toBe('请 A002 号到 2 号窗口办理')
    expect(wrapper.findAll('[data-test=display-call]')).toHaveLength(1)
    expect(said).toEqual(['请 A002 号到 2 号窗口办理'])
  })
})
