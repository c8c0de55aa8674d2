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

/**
 * fmtTime shows an ISO time as "YYYY-MM-DD HH:mm" in China time (UTC+8, no
 * summer time), the stations' and the hall's zone, never the PC's.
 */
export function fmtTime(iso: string | undefined | null): string {
  if (!iso) return ''
  const ms = Date.parse(iso.replace(/(\.\d{3})\d+/, '$1'))
  if (Number.isNaN(ms)) return iso
  const d = new Date(ms + 8 * 3600 * 1000)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`
}

/** fmtDate shows an ISO time as "YYYY-MM-DD" in China time. */
export function fmtDate(iso: string | undefined | null): string {
  return fmtTime(iso).slice(0, 10)
}

/** pct shows a 0..1 rate as a percentage, or a dash without a denominator. */
export function pct(rate: number, denominator: number): string {
  if (!denominator) return '—'
  return `${(rate * 100).toFixed(1)}%`
}
