import { createAppI18n, errorTextFor } from '@shared/i18n'
import { enUS, zhCN } from './locales'

export { isLocale, LOCALES, type Locale } from '@shared/i18n'

/** MessageSchema is the shape of zh-CN.json; every locale must match it. */
export type MessageSchema = typeof zhCN

/**
 * i18n holds every visible string of the station app. The prefs store sets
 * its locale; code outside components uses i18n.global.t.
 */
export const i18n = createAppI18n<MessageSchema>({ 'zh-CN': zhCN, 'en-US': enUS })

/** errorText returns the sentence to show a clerk for a failed call (shared/i18n.ts). */
export const errorText = errorTextFor(i18n)
