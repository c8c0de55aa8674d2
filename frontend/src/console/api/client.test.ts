import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '@shared/errors'
import { api } from './console'
import { CSRF_HEADER, query, request, setUnauthorizedHandler } from './client'

/** answer makes a fetch Response with a JSON body. */
function answer(status: number, body: unknown): Response {
  return new Response(body === undefined ? '' : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

let fetchMock: ReturnType<typeof vi.fn>

beforeEach(() => {
  fetchMock = vi.fn()
  vi.stubGlobal('fetch', fetchMock)
})

afterEach(() => {
  vi.unstubAllGlobals()
  setUnauthorizedHandler(null)
})

describe('request', () => {
  it('sends the console header and JSON, same-origin', async () => {
    fetchMock.mockResolvedValue(answer(200, { ok: true }))
    await request('POST', '/cases/1/approve', { cert_no: 'Z-1' })
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/console/api/cases/1/approve')
    expect(init.method).toBe('POST')
    expect(init.credentials).toBe('same-origin')
    expect(init.headers[CSRF_HEADER]).toBe('1')
    expect(init.headers['Content-Type']).toBe('application/json')
    expect(JSON.parse(init.body)).toEqual({ cert_no: 'Z-1' })
  })

  it('sends the header on GET too, without a body', async () => {
    fetchMock.mockResolvedValue(answer(200, []))
    await request('GET', '/inbox')
    const init = fetchMock.mock.calls[0][1]
    expect(init.headers[CSRF_HEADER]).toBe('1')
    expect(init.body).toBeUndefined()
  })

  it('sends a string body as it is (a catalog file)', async () => {
    fetchMock.mockResolvedValue(answer(200, { catalog: 'c' }))
    await api.publishCatalogFile('{"catalog_version":"c"}')
    expect(fetchMock.mock.calls[0][1].body).toBe('{"catalog_version":"c"}')
  })

  it('turns an error answer into an ApiError with the hall code and messages', async () => {
    fetchMock.mockResolvedValue(answer(403, { code: 'forbidden', message: 'role clerk lacks cases.decide', zh: '无权' }))
    const err = (await request('POST', '/cases/1/approve', {}).catch((e) => e)) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.code).toBe('forbidden')
    expect(err.zh).toBe('无权')
    expect(err.status).toBe(403)
  })

  it('reports an unreachable hall as unavailable', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'))
    const err = (await request('GET', '/inbox').catch((e) => e)) as ApiError
    expect(err.code).toBe('unavailable')
  })

  it('calls the unauthorized handler when a session ends, but not for sign-in', async () => {
    const ended = vi.fn()
    setUnauthorizedHandler(ended)
    fetchMock.mockResolvedValue(answer(401, { code: 'unauthorized', message: 'no session', zh: '登录已过期' }))
    await request('GET', '/inbox').catch(() => undefined)
    expect(ended).toHaveBeenCalledTimes(1)
    await api.signIn('li', 'wrong').catch(() => undefined)
    expect(ended).toHaveBeenCalledTimes(1)
  })
})

describe('query and endpoints', () => {
  it('query drops empty values', () => {
    expect(query({ q: 'A01', state: '', station: undefined, open: true, limit: 0 })).toBe('?q=A01&open=1&limit=0')
    expect(query({})).toBe('')
  })

  it('encodes search filters and path parts', async () => {
    fetchMock.mockImplementation(async () => answer(200, []))
    await api.searchCases({ q: 'A01 2026', state: 'forwarded', from: '2026-01-01' })
    expect(fetchMock.mock.calls[0][0]).toBe('/console/api/cases?q=A01+2026&state=forwarded&from=2026-01-01')
    await api.catalogItem('370112/X', 2)
    expect(fetchMock.mock.calls[1][0]).toBe('/console/api/catalog/370112%2FX/2')
  })

  it('builds the Excel link with the language', () => {
    expect(api.statsExcelURL({ from: '2026-01-01', to: '2026-03-31', station: '' }, 'en-US')).toBe(
      '/console/api/stats.xlsx?from=2026-01-01&to=2026-03-31&lang=en-US',
    )
  })
})
