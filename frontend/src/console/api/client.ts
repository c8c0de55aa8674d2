import { ApiError } from '@shared/errors'
import { fetchOrUnavailable, readAnswer } from '@shared/http'

/** The hall's console API lives here, on the same origin as the page. */
export const API_BASE = '/console/api'

/**
 * CSRF_HEADER goes on every request: the hall refuses a POST without it, and
 * a cross-site page cannot add it without a CORS preflight the hall never
 * answers.
 */
export const CSRF_HEADER = 'X-Yizhan-Console'

/** onUnauthorized is called when a session has ended (set by the router). */
let unauthorizedHandler: (() => void) | null = null

/** setUnauthorizedHandler registers what to do when the session ends. */
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  unauthorizedHandler = fn
}

/** query builds "?a=1&b=2" from the defined, non-empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue
    q.set(k, v === true ? '1' : String(v))
  }
  const s = q.toString()
  return s ? `?${s}` : ''
}

/**
 * request calls the console API and returns the decoded JSON answer. A body
 * that is a string is sent as it is (a catalog file); anything else as JSON.
 * Errors become ApiError with the hall's code and messages
 * (shared/http.ts); an ended session also calls the unauthorized handler.
 */
export async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { [CSRF_HEADER]: '1', Accept: 'application/json' }
  let payload: string | undefined
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    payload = typeof body === 'string' ? body : JSON.stringify(body)
  }
  const res = await fetchOrUnavailable(API_BASE + path, { method, headers, body: payload, credentials: 'same-origin' })
  try {
    return await readAnswer<T>(res, path)
  } catch (e) {
    if (e instanceof ApiError && e.status === 401 && unauthorizedHandler && !path.startsWith('/session')) unauthorizedHandler()
    throw e
  }
}
