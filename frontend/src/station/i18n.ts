import { createI18n } from 'vue-i18n'
import { ApiError, toApiError } from './api/errors'
import { enUS, zhCN } from './locales'

/** The interface languages, Chinese first: it is the default. */
export const LOCALES = ['zh-CN', 'en-US'] as const
export type Locale = (typeof LOCALES)[number]

/** MessageSchema is the shape of zh-CN.json; every locale must match it. */
export type MessageSchema = typeof zhCN

/** isLocale reports whether v names a supported interface language. */
export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v)
}

/**
 * i18n holds every visible string. The prefs store sets its locale; code
 * outside components uses i18n.global.t.
 */
export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, 'en-US': enUS },
})

/**
 * errorText returns the sentence to show a clerk for a failed call: the
 * backend's own Chinese message when the interface is Chinese, otherwise the
 * translated message for the error's code (with the English detail for
 * input errors, which the clerk can act on).
 */
export function errorText(err: unknown): string {
  const e: ApiError = toApiError(err)
  const { t, te, locale } = i18n.global
  if (locale.value === 'zh-CN' && e.zh !== '') return e.zh
  const key = `errors.${e.code}`
  const text = te(key) ? t(key) : t('errors.internal')
  if (locale.value !== 'zh-CN' && e.isCode('invalid', 'conflict') && e.message !== '') {
    return `${text} (${e.message})`
  }
  return text
}
