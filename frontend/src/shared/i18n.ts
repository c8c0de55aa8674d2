import en from 'element-plus/es/locale/lang/en'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import { createI18n } from 'vue-i18n'
import { toApiError } from './errors'

/**
 * The i18n setup both apps share: the same two languages, the same
 * vue-i18n options and the same rule for turning a failed call into a
 * sentence. Each app keeps its own messages (src/station/locales,
 * src/console/locales) and makes its instance with createAppI18n.
 */

/** The interface languages, Chinese first: it is the default and the reference. */
export const LOCALES = ['zh-CN', 'en-US'] as const
export type Locale = (typeof LOCALES)[number]

/** isLocale reports whether v names a supported interface language. */
export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v)
}

/**
 * createAppI18n makes an app's vue-i18n instance (Composition API, Chinese
 * as the fallback) over its messages; S is the shape of its zh-CN messages,
 * which every other language must match.
 */
export function createAppI18n<S extends object>(messages: Record<Locale, S>, locale: Locale = 'zh-CN') {
  return createI18n<[S], Locale, false>({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages: messages as { [L in Locale]: S },
  })
}

/** The part of an i18n instance errorTextFor needs. */
interface ErrorMessages {
  global: {
    t(key: string): string
    te(key: string): boolean
    locale: { value: string }
  }
}

/**
 * errorTextFor returns the app's errorText: the sentence to show a user for
 * a failed call. It is the backend's own Chinese sentence when the
 * interface is Chinese, otherwise the app's `errors.<code>` message (or
 * `errors.internal` for a code it does not know), with the backend's
 * English detail after an input error or a conflict, which the user can act
 * on.
 */
export function errorTextFor(i18n: ErrorMessages): (err: unknown) => string {
  return (err) => {
    const e = toApiError(err)
    const { t, te, locale } = i18n.global
    if (locale.value === 'zh-CN' && e.zh !== '') return e.zh
    const key = `errors.${e.code}`
    const text = te(key) ? t(key) : t('errors.internal')
    if (locale.value !== 'zh-CN' && e.isCode('invalid', 'conflict') && e.message !== '') {
      return `${text} (${e.message})`
    }
    return text
  }
}

/** elementLocale is Element Plus's own strings (pagination, date pickers, dialogs) for a language. */
export function elementLocale(locale: string) {
  return locale === 'en-US' ? en : zhCn
}
