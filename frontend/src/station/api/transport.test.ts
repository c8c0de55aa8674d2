import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import { ApiError, toApiError } from '@shared/errors'
import { call, CSRF_HEADER, forgetSession } from './transport'
import type { AppInfo, Ticket } from './types'

/** rejection runs p and returns what it rejected with. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (e) {
    return e
  }
  throw new Error('promise resolved, want rejection')
}

describe('toApiError', () => {
  it('keeps code, message and zh of the formatted Go error', () => {
    const e = toApiError({ code: 'invalid', message: 'name is required', zh: '姓名必填' })
    expect(e).toBeInstanceOf(ApiError)
    expect(e).toMatchObject({ code: 'invalid', message: 'name is required', zh: '姓名必填' })
  })

  it('maps a bare string to internal', () => {
    expect(toApiError('error parsing arguments: bad')).toMatchObject({
      code: 'internal',
      message: 'error parsing arguments: bad',
      zh: '',
    })
  })

  it('maps a Wails timeout to unavailable', () => {
    expect(toApiError(new Error('Call to SignIn timed out. Request ID: 1')).code).toBe('unavailable')
  })

  it('maps other errors and values to internal', () => {
    expect(toApiError(new TypeError('boom'))).toMatchObject({ code: 'internal', message: 'boom' })
    expect(toApiError(undefined).code).toBe('internal')
  })

  it('returns an ApiError unchanged', () => {
    const e = new ApiError('conflict', 'changed')
    expect(toApiError(e)).toBe(e)
  })
})

describe('call types', () => {
  // vue-tsc checks these (npm run typecheck); a binding renamed, removed or
  // retyped on the Go side makes them, or the wrappers, fail to compile.
  it('come from the generated bindings', () => {
    expectTypeOf(call<'Info'>).returns.resolves.toEqualTypeOf<AppInfo>()
    // A nil Go slice arrives as null.
    expectTypeOf(call<'Queue'>).returns.resolves.toEqualTypeOf<Ticket[] | null>()
    expectTypeOf(call<'FinishTicket'>).parameters.toEqualTypeOf<['FinishTicket', string, boolean]>()
    const neverRun = () => {
      // @ts-expect-error: no such bound method
      void call('NoSuchMethod')
      // @ts-expect-error: SignIn takes a login and a password
      void call('SignIn', 'zhang')
      // @ts-expect-error: FinishTicket's second argument is a boolean
      void call('FinishTicket', 't1', 'yes')
    }
    expect(neverRun).toBeTypeOf('function')
  })
})

describe('call in Wails', () => {
  afterEach(() => {
    delete window.go
  })

  it('passes arguments to the bound method and resolves with its result', async () => {
    const signIn = vi.fn().mockResolvedValue({ id: 's1', name: '张三' })
    window.go = { desktop: { API: { SignIn: signIn } } }
    await expect(call('SignIn', 'zhang', 'secret')).resolves.toEqual({ id: 's1', name: '张三' })
    expect(signIn).toHaveBeenCalledWith('zhang', 'secret')
  })

  it('rejects with a typed ApiError from the formatted error', async () => {
    window.go = {
      desktop: {
        API: {
          SignIn: () => Promise.reject({ code: 'unauthorized', message: 'bad password', zh: '工号或密码错误' }),
        },
      },
    }
    const e = await rejection(call('SignIn', 'zhang', 'wrong'))
    expect(e).toBeInstanceOf(ApiError)
    expect(e).toMatchObject({ code: 'unauthorized', message: 'bad password', zh: '工号或密码错误' })
    expect((e as ApiError).isCode('unauthorized')).toBe(true)
  })

  it('rejects with not_implemented for a method that is not bound', async () => {
    window.go = { desktop: { API: {} } }
    const e = await rejection(call('Appointments', '2026-01-05'))
    expect(e).toMatchObject({ code: 'not_implemented' })
  })
})

describe('call in a browser', () => {
  const fetchMock = vi.fn()
  const session = (csrf: string) => new Response(JSON.stringify({ csrf }), { status: 200 })
  /** calls returns the [url, init] of every fetch but the session's. */
  const calls = () => fetchMock.mock.calls.filter(([url]) => url !== '/api/session')

  beforeEach(() => {
    forgetSession()
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('POSTs {"args": [...]} to /api/<Method> with the session token', async () => {
    fetchMock.mockResolvedValueOnce(session('tok-1'))
    fetchMock.mockResolvedValueOnce(new Response(JSON.stringify('0.1.0'), { status: 200 }))
    await expect(call('ChangeMark')).resolves.toBe('0.1.0')
    fetchMock.mockResolvedValue(new Response(JSON.stringify({ id: 's1' }), { status: 200 }))
    await call('SignIn', 'zhang', 'secret')
    const [surl, sinit] = fetchMock.mock.calls[0]
    expect(surl).toBe('/api/session')
    expect(sinit.method).toBe('POST')
    expect(sinit.headers[CSRF_HEADER]).toBeTruthy()
    expect(fetchMock.mock.calls.filter(([url]) => url === '/api/session')).toHaveLength(1)
    const [url, init] = calls()[1]
    expect(url).toBe('/api/SignIn')
    expect(init.method).toBe('POST')
    expect(init.headers[CSRF_HEADER]).toBe('tok-1')
    expect(JSON.parse(init.body)).toEqual({ args: ['zhang', 'secret'] })
  })

  it('takes one session for calls made at once', async () => {
    fetchMock.mockImplementation(async (url: string) =>
      url === '/api/session' ? session('tok-1') : new Response('1', { status: 200 }),
    )
    await Promise.all([call('Info'), call('FindItems', ''), call('Queue')])
    expect(fetchMock.mock.calls.filter(([url]) => url === '/api/session')).toHaveLength(1)
  })

  it('takes a new session once when the adapter asks for one', async () => {
    const required = () =>
      new Response(JSON.stringify({ code: 'unauthorized', message: 'browser session required', zh: '会话已失效' }), {
        status: 401,
        headers: { 'X-Yizhan-Session': 'required' },
      })
    fetchMock
      .mockResolvedValueOnce(session('old'))
      .mockResolvedValueOnce(required())
      .mockResolvedValueOnce(session('new'))
      .mockResolvedValueOnce(new Response(JSON.stringify({ user: null }), { status: 200 }))
    await expect(call('Info')).resolves.toEqual({ user: null })
    expect(calls().map(([, init]) => init.headers[CSRF_HEADER])).toEqual(['old', 'new'])
    // A second refusal is the caller's to see, not a loop.
    fetchMock.mockReset()
    fetchMock.mockResolvedValueOnce(required()).mockResolvedValueOnce(session('newer')).mockResolvedValueOnce(required())
    expect(await rejection(call('Info'))).toMatchObject({ code: 'unauthorized' })
    expect(fetchMock).toHaveBeenCalledTimes(3)
  })

  it('resolves with undefined for an empty body', async () => {
    fetchMock.mockResolvedValueOnce(session('t'))
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }))
    await expect(call('SignOut')).resolves.toBeUndefined()
  })

  it('maps an error body to ApiError', async () => {
    const body = { code: 'conflict', message: 'case changed', zh: '办件已被修改' }
    fetchMock.mockResolvedValueOnce(session('t'))
    fetchMock.mockResolvedValue(new Response(JSON.stringify(body), { status: 409 }))
    const e = await rejection(call('ShowCase', 'c1'))
    expect(e).toBeInstanceOf(ApiError)
    expect(e).toMatchObject(body)
  })

  it('maps a refused session to its error', async () => {
    const body = { code: 'forbidden', message: 'host not allowed', zh: '请通过本机地址访问' }
    fetchMock.mockResolvedValue(new Response(JSON.stringify(body), { status: 403 }))
    expect(await rejection(call('Info'))).toMatchObject(body)
  })

  it('maps a 404 without an error body to not_implemented', async () => {
    fetchMock.mockResolvedValueOnce(session('t'))
    fetchMock.mockResolvedValue(new Response('404 page not found', { status: 404 }))
    expect(await rejection(call('Appointments', '2026-01-05'))).toMatchObject({ code: 'not_implemented' })
  })

  it('maps a network failure to unavailable', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'))
    expect(await rejection(call('ChangeMark'))).toMatchObject({ code: 'unavailable' })
  })
})
