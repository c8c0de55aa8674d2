import { ApiError, toApiError } from './errors'

/** A bound Go method as Wails exposes it: it returns a Promise. */
type BoundMethod = (...args: unknown[]) => Promise<unknown>

declare global {
  interface Window {
    /** Set by the Wails runtime; absent in a plain browser. */
    go?: { desktop?: { API?: Record<string, BoundMethod | undefined> } }
  }
}

/** inWails reports whether the page runs inside the Wails webview. */
export function inWails(): boolean {
  return typeof window !== 'undefined' && window.go !== undefined
}

/**
 * call invokes a method of the Go `desktop.API` and resolves with its
 * result, or rejects with an ApiError.
 *
 * In Wails it calls `window.go.desktop.API[method](...args)`.
 * Without Wails (`station serve-ui`, browser tests) it POSTs `{"args": [...]}`
 * as JSON to `/api/<method>` with this browser's session: the cookie the
 * adapter set and its CSRF token in the `X-Yizhan-CSRF` header (see
 * docs/security.md). The adapter answers 2xx with the JSON result (an empty
 * body means no result), or a non-2xx status with a `{code, message, zh}` body.
 */
export async function call<T>(method: string, ...args: unknown[]): Promise<T> {
  try {
    if (inWails()) {
      const fn = window.go?.desktop?.API?.[method]
      if (typeof fn !== 'function') {
        throw new ApiError('not_implemented', `desktop.API.${method} is not bound`)
      }
      return (await fn(...args)) as T
    }
    return await post<T>(method, args)
  } catch (e) {
    throw toApiError(e)
  }
}

/** CSRF_HEADER carries the browser session's token on every call. */
export const CSRF_HEADER = 'X-Yizhan-CSRF'

/** TOKEN_KEY is where the token is kept, so a reload keeps the sign-in. */
const TOKEN_KEY = 'yizhan.ui.csrf'

let token: string | null = null
let minting: Promise<string> | null = null

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}

/**
 * session returns this browser's CSRF token. With none kept, or when the
 * kept one is stale (the token a call just failed with), it takes a new
 * session from the adapter, which sets its cookie; calls that need one at
 * the same time share it, so they do not overwrite each other's cookie.
 */
function session(stale?: string): Promise<string> {
  token ??= storage()?.getItem(TOKEN_KEY) ?? null
  if (token && token !== stale) return Promise.resolve(token)
  minting ??= mint().finally(() => {
    minting = null
  })
  return minting
}

async function mint(): Promise<string> {
  const res = await fetch('/api/session', { method: 'POST', headers: { [CSRF_HEADER]: 'new' } })
  const body = (await res.json().catch(() => null)) as { csrf?: string; code?: string } | null
  if (!res.ok || !body?.csrf) {
    if (body?.code) throw body
    throw new ApiError('unavailable', `session: HTTP ${res.status}`)
  }
  token = body.csrf
  storage()?.setItem(TOKEN_KEY, token)
  return token
}

async function post<T>(method: string, args: unknown[]): Promise<T> {
  let res: Response
  try {
    const used = await session()
    res = await send(method, args, used)
    // No cookie, an expired session or a stale token: take a new session
    // once. The new one has nobody signed in; the caller sees that.
    if (res.status === 401 && res.headers.get('X-Yizhan-Session') === 'required') {
      res = await send(method, args, await session(used))
    }
  } catch (e) {
    if (e instanceof ApiError || (typeof e === 'object' && e !== null && 'code' in e)) throw e
    throw new ApiError('unavailable', e instanceof Error ? e.message : String(e))
  }
  const text = await res.text()
  let body: unknown = undefined
  if (text !== '') {
    try {
      body = JSON.parse(text)
    } catch {
      body = text
    }
  }
  if (res.ok) return body as T
  if (res.status === 404 && typeof body !== 'object') {
    throw new ApiError('not_implemented', `${method}: HTTP 404`)
  }
  if (typeof body === 'object' && body !== null) throw body
  throw new ApiError('internal', `${method}: HTTP ${res.status} ${typeof body === 'string' ? body : ''}`.trim())
}

function send(method: string, args: unknown[], csrf: string): Promise<Response> {
  return fetch(`/api/${encodeURIComponent(method)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [CSRF_HEADER]: csrf },
    body: JSON.stringify({ args }),
  })
}

/** forgetSession drops the kept token (tests). */
export function forgetSession() {
  token = null
  minting = null
  storage()?.removeItem(TOKEN_KEY)
}
