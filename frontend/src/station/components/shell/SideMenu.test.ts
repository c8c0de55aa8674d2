import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia } from 'pinia'
import { afterEach, describe, expect, it } from 'vitest'
import { defineComponent } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '../../i18n'
import { menu } from '../../router'
import SideMenu from './SideMenu.vue'

function setup() {
  const blank = defineComponent({ render: () => null })
  const router = createRouter({ history: createMemoryHistory(), routes: menu.map((m) => ({ path: `/${m.name}`, name: m.name, component: blank })) })
  i18n.global.locale.value = 'zh-CN'
  const wrapper = mount(SideMenu, { attachTo: document.body, global: { plugins: [ElementPlus, i18n, createPinia(), router] } })
  return { router, wrapper }
}

describe('SideMenu', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('is a list of links, reached by Tab, with the active area marked', async () => {
    const { router, wrapper } = setup()
    await router.push('/cases')
    await flushPromises()
    const links = wrapper.findAll('a.menu-item')
    expect(links).toHaveLength(menu.length)
    const active = wrapper.find('a[aria-current=page]')
    expect(active.attributes('data-test')).toBe('menu-cases')
    expect(links[0].attributes('aria-keyshortcuts')).toBe('Alt+1')
  })

  it('goes to an area with Alt and its number, whatever has the focus', async () => {
    const { router } = setup()
    await router.push('/dashboard')
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '2', code: 'Digit2', altKey: true }))
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('queue')
    // Without Alt, a digit is just a digit.
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '3', code: 'Digit3' }))
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('queue')
  })
})
