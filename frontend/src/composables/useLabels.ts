import { useI18n } from 'vue-i18n'
import { isImmediate, necessityKey } from '../domain/materials'

/**
 * useLabels turns the backend's codes into the clerk's words. The backend
 * sends Chinese names too (state_zh, zh); they are the fallback for a code
 * this version of the interface does not know yet.
 */
export function useLabels() {
  const { t, te } = useI18n()

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
