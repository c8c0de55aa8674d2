import { mount, type ComponentMountingOptions } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia, setActivePinia } from 'pinia'
import type { Component } from 'vue'
import { i18n } from '../i18n'

/**
 * mountApp mounts a component the way main.ts sets the app up (Element Plus,
 * vue-i18n in Chinese, a fresh Pinia), attached to the document so dialogs
 * that teleport to <body> can be found there.
 */
export function mountApp<C extends Component>(component: C, options: ComponentMountingOptions<C> = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  i18n.global.locale.value = 'zh-CN'
  return mount(component, {
    attachTo: document.body,
    ...options,
    // Plugins the test adds (a router) come after the app's own.
    global: { ...(options.global ?? {}), plugins: [ElementPlus, i18n, pinia, ...(options.global?.plugins ?? [])] },
  } as ComponentMountingOptions<C>)
}
