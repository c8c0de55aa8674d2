import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, nextTick } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '../i18n'
import PadView from './PadView.vue'

vi.mock('../api/kiosk', () => ({ kioskPadInvitation: vi.fn(), kioskPadEvaluate: vi.fn() }))
vi.mock('../api/station', () => ({ info: vi.fn().mockResolvedValue({ initialised: true, identity: { code: '370112001', name: '示例镇便民服务中心' } }) }))
const api = vi.mocked(await import('../api/kiosk'))

async function mountPad(window = '2') {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/pad', component: defineComponent({ render: () => null }) }] })
  await router.push(`/pad?window=${window}`)
  i18n.global.locale.value = 'zh-CN'
  const wrapper = mount(PadView, { attachTo: document.body, global: { plugins: [ElementPlus, i18n, createPinia(), router] } })
  await flushPromises()
  return wrapper
}

describe('PadView', () => {
  beforeEach(() => {
    vi.resetAllMocks()
    localStorage.clear()
  })
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('waits, then asks for the rating of the visit its window invited, and sends it with the invitation', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    api.kioskPadInvitation.mockResolvedValue(null)
    const wrapper = await mountPad('2')
    expect(api.kioskPadInvitation).toHaveBeenCalledWith('2')
    expect(wrapper.find('[data-test=pad-idle]').exists()).toBe(true)

    api.kioskPadInvitation.mockResolvedValue({ id: 'inv-1', window: '2', ticket_number: 'A003', item_name: '城乡居民基本养老保险参保登记', clerk_name: '李窗口', expires_at: '' })
    vi.advanceTimersByTime(2100)
    vi.useRealTimers()
    await flushPromises()
    const invite = wrapper.find('[data-test=pad-invite]')
    expect(invite.text()).toContain('A003')
    expect(invite.text()).toContain('李窗口')

    api.kioskPadEvaluate.mockResolvedValue('r1')
    await wrapper.find('.face[data-level="4"]').trigger('click')
    await nextTick()
    await wrapper.find('[data-test=submit]').trigger('click')
    await flushPromises()
    expect(api.kioskPadEvaluate).toHaveBeenCalledWith('inv-1', { level: 4, source: 'pad' }, '')
    expect(wrapper.text()).toContain('感谢您的评价')
  })

  it('asks which window it belongs to when it does not know', async () => {
    const wrapper = await mountPad('')
    expect(wrapper.find('[data-test=pad-window]').exists()).toBe(true)
    expect(api.kioskPadInvitation).not.toHaveBeenCalled()
  })
})
