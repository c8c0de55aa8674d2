import { ApiError, toApiError } from '@shared/errors'
import { fetchOrUnavailable, readAnswer } from '@shared/http'
import type { Plain } from './types'
import * as bound from './wailsjs/go/desktop/API'

/** A bound Go method as Wails exposes it: it returns a Promise. */
type BoundMethod = (...args: unknown[]) => Promise<unknown>

declare global {
  interface Window {
    /** Set by the Wails runtime; absent in a plain browser. */
    go?: { desktop?: { API?: Record<string, BoundMethod | undefined> } }
  }
}

/**
 * The methods of the bound Go type, as `make bindings` generates them
 * (wailsjs/go/desktop/API.d.ts). Every call's method name, arguments
 * and result come from here, so a Go method renamed, removed or retyped
 * without regenerating and adapting the wrappers fails `vue-tsc`.
 */
type Bindings = typeof bound

/** Method is the name of a bound Go method. */
export type Method = keyof Bindings

/** PlainAll applies Plain to each element of a tuple of arguments. */
type PlainAll<T extends unknown[]> = { [K in keyof T]: Plain<T[K]> }

/** Args are a method's arguments, as the plain JSON shapes a call really sends. */
export type Args<M extends Method> = PlainAll<Parameters<Bindings[M]>>

/**
 * Result is what a method's Promise resolves with, as plain JSON. A Go slice
 * may be nil, which arrives as null; the generated typings do not say so,
 * so Result does. (A Go pointer may be nil too: the wrappers of the few
 * methods that return one say so in their own signature.)
 */
export type Result<M extends Method> =
  Plain<Awaited<ReturnType<Bindings[M]>>> extends infer R ? (R extends unknown[] ? R | null : R) : never

/** inWails reports whether the page runs inside the Wails webview. */
export function inWails(): boolean {
  return typeof window !== 'undefined' && window.go !== undefined
}

/**
 * call invokes a method of the Go `desktop.API` and resolves with its
 * result, or rejects with an ApiError. Only this folder (src/station/api)
 * calls it; stores call the typed wrappers beside it.
 *
 * In Wails it calls the generated binding, which calls
 * `window.go.desktop.API[method](...args)`.
 * Without Wails (`station serve-ui`, browser tests) it POSTs `{"args": [...]}`
 * as JSON to `/api/<method>` with this browser's session: the cookie the
 * adapter set and its CSRF token in the `X-Yizhan-CSRF` header (see
 * docs/security.md). The adapter answers 2xx with the JSON result (an empty
 * body means no result), or a non-2xx status with a `{code, message, zh}` body.
 */
export async function call<M extends Method>(method: M, ...args: Args<M>): Promise<Result<M>> {
  try {
    if (inWails()) return (await desktop(method, args)) as Result<M>
    return await post<Result<M>>(method, args)
  } catch (e) {
    throw toApiError(e)
  }
}

/**
 * desktop calls the generated binding. A bound method always answers with
 * a Promise, so one that throws at once is not bound in this window (the
 * frontend is newer than the Go side it runs in).
 */
function desktop(method: Method, args: unknown[]): Promise<unknown> {
  const fn = bound[method] as (...a: unknown[]) => Promise<unknown>
  try {
    return fn(...args)
  } catch (e) {
    throw new ApiError('not_implemented', `desktop.API.${method} is not bound: ${e instanceof Error ? e.message : String(e)}`)
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
  const res = await fetchOrUnavailable('/api/session', { method: 'POST', headers: { [CSRF_HEADER]: 'new' } })
  const body = (await res.json().catch(() => null)) as { csrf?: string; code?: string } | null
  if (!res.ok || !body?.csrf) {
    if (body?.code) throw body
    throw new ApiError('unavailable', `session: HTTP ${res.status}`)
  }
  token = body.csrf
  storage()?.setItem(TOKEN_KEY, token)
  return token
}

/**
 * post makes the call over HTTP (shared/http.ts decodes the answer). No
 * cookie, an expired session or a stale token: it takes a new session
 * once. The new one has nobody signed in; the caller sees that.
 */
async function post<T>(method: string, args: unknown[]): Promise<T> {
  const used = await session()
  let res = await send(method, args, used)
  if (res.status === 401 && res.headers.get('X-Yizhan-Session') === 'required') {
    res = await send(method, args, await session(used))
  }
  return readAnswer<T>(res, method)
}

function send(method: string, args: unknown[], csrf: string): Promise<Response> {
  return fetchOrUnavailable(`/api/${encodeURIComponent(method)}`, {
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
