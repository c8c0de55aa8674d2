import { useI18n } from 'vue-i18n'
import { isImmediate, necessityKey } from '../domain/materials'
import { i18n, type Locale } from '../i18n'

/**
 * useLabels turns the backend's codes into the clerk's words. The backend
 * sends Chinese names too (state_zh, zh); they are the fallback for a code
 * this version of the interface does not know yet. With a locale, the
 * words are in that language whatever the interface's (printed documents
 * are Chinese).
 */
export function useLabels(locale?: Locale) {
  const scoped = locale ? null : useI18n()
  const t = (key: string, named: Record<string, unknown> = {}): string =>
    scoped ? scoped.t(key, named) : i18n.global.t(key, named, { locale: locale! })
  const te = (key: string): boolean => (scoped ? scoped.te(key) : i18n.global.te(key, locale))

  function coded(prefix: string, code: string | undefined, fallback = ''): string {
    if (!code) return fallback
    const key = `${prefix}.${code}`
    return te(key) ? t(key) : fallback || code
  }

  return {
    state: (code: string | undefined, zh = '') => coded('states', code, zh),
    event: (code: string | undefined, zh = '') => coded('events', code, zh),
    channel: (code: string | undefined) => coded('channels', code),
    result: (code: string | undefined, zh = '') => coded('results', code, zh),
    collection: (code: string | undefined) => coded('collections', code),
    role: (code: string | undefined) => coded('roles', code),
    /** sex names "M"/"F" (as the backend derives it from an ID number). */
    sex: (code: string | undefined) => (code === 'M' ? t('sex.male') : code === 'F' ? t('sex.female') : ''),
    necessity: (required: string) => t(`necessity.${necessityKey(required)}`),
    /** itemKind names 即办件 / 承诺件 in the interface language. */
    itemKind: (kind: string) => (isImmediate(kind) ? t('itemKinds.immediate') : kind ? t('itemKinds.promised') : ''),
    /** limit shows a time limit: "10 个工作日", or "当场办结" for 0. */
    limit: (l: { value: number; unit: string } | string | undefined) => {
      if (l === undefined) return ''
      const v = typeof l === 'string' ? Number.parseInt(l, 10) : l.value
      const u = typeof l === 'string' ? l.replace(/^\d+/, '') : l.unit
      if (!v) return t('units.sameDay')
      return te(`units.${u}`) ? t(`units.${u}`, { n: v }) : `${v}${u}`
    },
    /** duration shows seconds as minutes (or seconds under a minute). */
    duration: (secs: number) => (secs < 60 ? t('common.secondsShort', { n: Math.max(0, Math.round(secs)) }) : t('common.minutesShort', { n: Math.round(secs / 60) })),
  }
}
