import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { i18n } from '../i18n'
import { LARGE_FONT_CLASS, usePrefsStore } from './prefs'

describe('prefs store', () => {
  beforeEach(() => {
    localStorage.clear()
    document.documentElement.className = ''
    setActivePinia(createPinia())
  })

  it('defaults to Chinese and normal text', () => {
    const prefs = usePrefsStore()
    expect(prefs.locale).toBe('zh-CN')
    expect(i18n.global.locale.value).toBe('zh-CN')
    expect(document.documentElement.classList.contains(LARGE_FONT_CLASS)).toBe(false)
  })

  it('applies and persists the language and large-font mode', async () => {
    const prefs = usePrefsStore()
    prefs.setLocale('en-US')
    prefs.setLargeFont(true)
    await nextTick()
    expect(i18n.global.locale.value).toBe('en-US')
    expect(document.documentElement.lang).toBe('en-US')
    expect(document.documentElement.classList.contains(LARGE_FONT_CLASS)).toBe(true)

    setActivePinia(createPinia())
    const again = usePrefsStore()
    expect(again.locale).toBe('en-US')
    expect(again.largeFont).toBe(true)
  })
})
