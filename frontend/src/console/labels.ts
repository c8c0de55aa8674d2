import { useI18n } from 'vue-i18n'

/**
 * useLabels turns the hall's codes (states, event kinds, results, station
 * statuses…) into words of the current language, falling back to the code
 * itself for one this version does not know.
 */
export function useLabels() {
  const { t, te } = useI18n()
  const label = (group: string, key: string | undefined | null): string => {
    if (!key) return ''
    const k = `${group}.${key}`
    return te(k) ? t(k) : key
  }
  return {
    label,
    state: (s: string | undefined) => label('states', s),
    kind: (k: string | undefined) => label('kinds', k),
    result: (r: string | undefined) => label('results', r),
    role: (r: string | undefined) => label('roles', r),
    station: (s: string | undefined) => label('stationStatus', s),
    callback: (s: string | undefined) => label('callbackStatus', s),
    level: (n: number) => label('levels', String(n)),
    office: (o: string) => (o === 'hall' ? t('common.hall') : o),
    /** itemKind names 即办件 and 承诺件, the catalog's own words. */
    itemKind: (k: string | undefined) =>
      k === '即办件' ? t('catalog.kinds.immediate') : k === '承诺件' ? t('catalog.kinds.promised') : (k ?? ''),
  }
}

/** pct shows a 0..1 rate as a percentage, or a dash without a denominator. */
export function pct(rate: number, denominator: number): string {
  if (!denominator) return '—'
  return `${(rate * 100).toFixed(1)}%`
}
