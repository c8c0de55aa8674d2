/**
 * Times as the backend sends them: RFC 3339 in UTC, often with nanoseconds
 * ("2026-11-27T05:48:00.123456789Z"), which not every WebKit parses.
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

/** formatDateTime shows a time as "YYYY-MM-DD HH:mm" in the computer's zone ("" for none). */
export function formatDateTime(s: string | null | undefined): string {
  const t = parseTime(s)
  if (Number.isNaN(t)) return ''
  const d = new Date(t)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
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

/** today returns the local date as YYYY-MM-DD. */
export function todayISO(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}
