/**
 * ConsoleError is the only error the console's api layer throws. `code` is
 * what the UI branches on (the hall's codes: invalid, unauthorized,
 * forbidden, not_found, conflict, internal, plus "unavailable" when the hall
 * could not be reached); `zh` is the hall's Chinese sentence for the user;
 * `message` is English detail.
 */
export class ConsoleError extends Error {
  readonly code: string
  readonly zh: string
  readonly status: number

  constructor(code: string, message: string, zh = '', status = 0) {
    super(message)
    this.name = 'ConsoleError'
    this.code = code
    this.zh = zh
    this.status = status
  }
}

/** toConsoleError maps anything a call rejected with into a ConsoleError. */
export function toConsoleError(e: unknown): ConsoleError {
  if (e instanceof ConsoleError) return e
  if (e instanceof Error) return new ConsoleError('internal', e.message)
  return new ConsoleError('internal', String(e))
}
