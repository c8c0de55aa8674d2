import { ApiError, toApiError } from './errors'

/** A bound Go method as Wails exposes it: it returns a Promise. */
type BoundMethod = (...args: unknown[]) => Promise<unknown>

declare global {
  interface Window {
    /** Set by the Wails runtime; absent in a plain browser. */
    go?: { desktop?: { Station?: Record<string, BoundMethod | undefined> } }
  }
}

/** inWails reports whether the page runs inside the Wails webview. */
export function inWails(): boolean {
  return typeof window !== 'undefined' && window.go !== undefined
}

/**
 * call invokes a method of the Go `desktop.Station` and resolves with its
 * result, or rejects with an ApiError.
 *
 * In Wails it calls `window.go.desktop.Station[method](...args)`.
 * Without Wails (browser tests) it POSTs `{"args": [...]}` as JSON to
 * `/api/<method>`; the HTTP adapter answers 2xx with the JSON result (an empty
 * body means no result), or a non-2xx status with a `{code, message, zh}` body.
 */
export async function call<T>(method: string, ...args: unknown[]): Promise<T> {
  try {
    if (inWails()) {
      const fn = window.go?.desktop?.Station?.[method]
      if (typeof fn !== 'function') {
        throw new ApiError('not_implemented', `desktop.Station.${method} is not bound`)
      }
      return (await fn(...args)) as T
    }
    return await post<T>(method, args)
  } catch (e) {
    throw toApiError(e)
  }
}

async function post<T>(method: string, args: unknown[]): Promise<T> {
  let res: Response
  try {
    res = await fetch(`/api/${encodeURIComponent(method)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ args }),
    })
  } catch (e) {
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
