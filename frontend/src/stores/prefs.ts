import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { i18n, isLocale, type Locale } from '../i18n'

/** localStorage keys; prefs belong to this computer, not to a staff member. */
const LOCALE_KEY = 'yizhan.locale'
const LARGE_FONT_KEY = 'yizhan.largeFont'

/** The class on <html> that raises --yz-scale (see styles/theme.css). */
export const LARGE_FONT_CLASS = 'yz-large-font'

function readLocale(): Locale {
  const stored = localStorage.getItem(LOCALE_KEY)
  return isLocale(stored) ? stored : 'zh-CN'
}

/**
 * usePrefsStore keeps the interface language and the large-font mode,
 * persists them in localStorage and applies them to vue-i18n and <html>.
 */
export const usePrefsStore = defineStore('prefs', () => {
  const locale = ref<Locale>(readLocale())
  const largeFont = ref(localStorage.getItem(LARGE_FONT_KEY) === '1')

  watch(
    locale,
    (l) => {
      i18n.global.locale.value = l
      document.documentElement.lang = l
      localStorage.setItem(LOCALE_KEY, l)
    },
    { immediate: true },
  )

  watch(
    largeFont,
    (on) => {
      document.documentElement.classList.toggle(LARGE_FONT_CLASS, on)
      localStorage.setItem(LARGE_FONT_KEY, on ? '1' : '0')
    },
    { immediate: true },
  )

  function setLocale(l: Locale) {
    locale.value = l
  }

  function setLargeFont(on: boolean) {
    largeFont.value = on
  }

  return { locale, largeFont, setLocale, setLargeFont }
})
