/**
 * Times as the backends send them: RFC 3339 in UTC, often with nanoseconds
 * ("2026-11-27T05:48:00.123456789Z"), which not every WebKit parses. Both
 * apps show them in China time with these functions.
 */

/** parseTime returns the time in ms since the epoch, or NaN for "" and junk. */
export function parseTime(s: string | null | undefined): number {
  if (!s) return NaN
  const trimmed = String(s).replace(/(\.\d{3})\d+/, '$1')
  return Date.parse(trimmed)
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/**
 * STATION_UTC_OFFSET_MIN is the station's time zone, Asia/Shanghai (UTC+8,
 * no summer time): every date and time the app shows or prints is in it,
 * never in the zone the PC happens to be set to (workday.China on the Go
 * side).
 */
export const STATION_UTC_OFFSET_MIN = 8 * 60

/** stationParts splits an instant into its date and time fields in the station's zone. */
function stationParts(ms: number) {
  const d = new Date(ms + STATION_UTC_OFFSET_MIN * 60_000)
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes() }
}

/** formatDateTime shows a time as "YYYY-MM-DD HH:mm" in the station's zone ("" for none). */
export function formatDateTime(s: string | null | undefined): string {
  const t = parseTime(s)
  if (Number.isNaN(t)) return ''
  const p = stationParts(t)
  return `${p.y}-${pad(p.mo)}-${pad(p.d)} ${pad(p.h)}:${pad(p.mi)}`
}

/** formatDate shows a time as "YYYY-MM-DD" in the station's zone ("" for none). */
export function formatDate(s: string | null | undefined): string {
  return formatDateTime(s).slice(0, 10)
}

/** formatClock shows a time as "HH:mm" ("" for none). */
export function formatClock(s: string | null | undefined): string {
  return formatDateTime(s).slice(11)
}

/** clockDuration shows seconds as "m:ss" or "h:mm:ss", as a waiting-room display does. */
export function clockDuration(secs: number): string {
  const s = Math.max(0, Math.floor(secs))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const r = s % 60
  return h > 0 ? `${h}:${pad(m)}:${pad(r)}` : `${m}:${pad(r)}`
}

/** todayISO returns the station's date as YYYY-MM-DD. */
export function todayISO(now: Date = new Date()): string {
  const p = stationParts(now.getTime())
  return `${p.y}-${pad(p.mo)}-${pad(p.d)}`
}

/** chineseDate shows a YYYY-MM-DD date as on an official document: "2026年11月27日". */
export function chineseDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso)
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : iso
}
