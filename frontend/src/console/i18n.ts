import { createI18n } from 'vue-i18n'
import { ConsoleError, toConsoleError } from './api/errors'
import enUS from './locales/en-US.json'
import zhCN from './locales/zh-CN.json'

/** The console's languages, Chinese first: it is the default. */
export const LOCALES = ['zh-CN', 'en-US'] as const
export type Locale = (typeof LOCALES)[number]

/** MessageSchema is the shape of zh-CN.json; en-US must match it. */
export type MessageSchema = typeof zhCN

const STORAGE_KEY = 'yizhan.console.locale'

function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v)
}

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
export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, 'en-US': enUS },
})

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

/**
 * errorText is the sentence to show for a failed call: the hall's own
 * Chinese message in Chinese, otherwise the translated message for the
 * error's code, with the hall's English detail for input errors.
 */
export function errorText(err: unknown): string {
  const e: ConsoleError = toConsoleError(err)
  const { t, te, locale } = i18n.global
  if (locale.value === 'zh-CN' && e.zh !== '') return e.zh
  const key = `errors.${e.code}`
  const text = te(key) ? t(key) : t('errors.internal')
  if (locale.value !== 'zh-CN' && (e.code === 'invalid' || e.code === 'conflict') && e.message !== '') {
    return `${text} (${e.message})`
  }
  return text
}
