import { ApiError } from './errors'

/**
 * The HTTP half of both apps' transports. The station app in a browser
 * (src/station/api/transport.ts, against `station serve-ui`) and the hall
 * console (src/console/api/client.ts, against `hall serve`) each add their
 * own session and CSRF header; both backends answer a 2xx with a JSON body
 * (or none) and a failure with a `{code, message, zh}` body, which these
 * turn into the same ApiError.
 */

/** fetchOrUnavailable is fetch whose network failure is an ApiError "unavailable". */
export async function fetchOrUnavailable(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init)
  } catch (e) {
    throw new ApiError('unavailable', e instanceof Error ? e.message : String(e))
  }
}

interface ErrorBody {
  code: string
  message?: unknown
  zh?: unknown
}

function isErrorBody(v: unknown): v is ErrorBody {
  return typeof v === 'object' && v !== null && typeof (v as ErrorBody).code === 'string'
}

/**
 * readAnswer decodes a backend's answer to the call named what. A 2xx
 * resolves with its JSON body (undefined for an empty one; a body that is
 * not JSON as its text). Any other status rejects with an ApiError that
 * keeps the HTTP status: the body's code and texts when it is an error
 * body; "not_implemented" for a bare 404 (the backend has no such call);
 * "internal" otherwise.
 */
export async function readAnswer<T>(res: Response, what: string): Promise<T> {
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
  if (isErrorBody(body)) {
    const message = typeof body.message === 'string' && body.message !== '' ? body.message : `${what}: HTTP ${res.status}`
    throw new ApiError(body.code, message, typeof body.zh === 'string' ? body.zh : '', res.status)
  }
  if (res.status === 404) throw new ApiError('not_implemented', `${what}: HTTP 404`, '', 404)
  throw new ApiError('internal', `${what}: HTTP ${res.status} ${typeof body === 'string' ? body : ''}`.trim(), '', res.status)
}
