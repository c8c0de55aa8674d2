import { createAppI18n, errorTextFor, isLocale, type Locale } from '@shared/i18n'
import enUS from './locales/en-US.json'
import zhCN from './locales/zh-CN.json'

export { LOCALES, type Locale } from '@shared/i18n'

/** MessageSchema is the shape of zh-CN.json; en-US must match it. */
export type MessageSchema = typeof zhCN

const STORAGE_KEY = 'yizhan.console.locale'

function initialLocale(): Locale {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY)
    if (isLocale(saved)) return saved
  } catch {
    // storage may be unavailable (private mode); Chinese then
  }
  return 'zh-CN'
}

/** i18n holds every visible string of the console. */
export const i18n = createAppI18n<MessageSchema>({ 'zh-CN': zhCN, 'en-US': enUS }, initialLocale())

/** setLocale switches the language and remembers it on this computer. */
export function setLocale(l: Locale): void {
  i18n.global.locale.value = l
  document.documentElement.lang = l
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, l)
  } catch {
    // not remembered; harmless
  }
}

/** errorText is the sentence to show for a failed call (shared/i18n.ts). */
export const errorText = errorTextFor(i18n)
