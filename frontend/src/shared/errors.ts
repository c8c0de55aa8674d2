/**
 * The one error type of both apps. The station's calls (src/station/api)
 * and the hall console's (src/console/api) reject with an ApiError; the
 * backends send the same {code, message, zh} body (domain/error.go on the Go
 * side), so one class and one errorText (shared/i18n.ts) serve both.
 */

/**
 * Error codes a call can reject with. The first six come from the Go domain
 * (domain/error.go); the last two are made on this side of the bridge.
 */
export const ERROR_CODES = [
  'conflict',
  'invalid',
  'not_found',
  'unauthorized',
  'forbidden',
  'internal',
  'unavailable', // the backend could not be reached (browser mode) or timed out
  'not_implemented', // the backend has no such method yet
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

/**
 * ApiError is the only error type the api layers throw. `code` is what the UI
 * branches on; `zh` is the user-facing Chinese sentence the backend wrote
 * (may be empty); `message` is English detail for logs; `status` is the HTTP
 * status when the call travelled over HTTP and had one (0 otherwise).
 */
export class ApiError extends Error {
  readonly code: string
  readonly zh: string
  readonly status: number

  constructor(code: string, message: string, zh = '', status = 0) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.zh = zh
    this.status = status
  }

  /** isCode reports whether this error has one of the given codes. */
  isCode(...codes: ErrorCode[]): boolean {
    return (codes as string[]).includes(this.code)
  }
}

interface ErrorShape {
  code: unknown
  message?: unknown
  zh?: unknown
}

function isErrorShape(v: unknown): v is ErrorShape {
  return typeof v === 'object' && v !== null && typeof (v as ErrorShape).code === 'string'
}

/**
 * toApiError maps whatever a call rejected with into an ApiError:
 * - the `{code, message, zh}` object from main.go's ErrorFormatter or the
 *   HTTP adapter keeps its code and texts;
 * - a bare string (Wails reports argument-parsing failures this way) and any
 *   other Error become code "internal", keeping the text as the message;
 * - a Wails call timeout becomes code "unavailable".
 */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e
  if (isErrorShape(e)) {
    return new ApiError(
      e.code as string,
      typeof e.message === 'string' ? e.message : '',
      typeof e.zh === 'string' ? e.zh : '',
    )
  }
  if (typeof e === 'string') return new ApiError('internal', e)
  if (e instanceof Error) {
    if (/timed out/i.test(e.message)) return new ApiError('unavailable', e.message)
    return new ApiError('internal', e.message)
  }
  return new ApiError('internal', String(e))
}
