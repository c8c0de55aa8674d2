import { describe, expect, it } from 'vitest'
import { ApiError } from './errors'
import { readAnswer } from './http'

/** rejection returns what p rejected with. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('promise resolved, want rejection')
    },
    (e: unknown) => e,
  )
}

describe('readAnswer', () => {
  it('resolves a 2xx with its JSON, its text, or undefined', async () => {
    await expect(readAnswer(new Response('{"id":"c1"}', { status: 200 }), 'ShowCase')).resolves.toEqual({ id: 'c1' })
    await expect(readAnswer(new Response('plain', { status: 200 }), 'x')).resolves.toBe('plain')
    await expect(readAnswer(new Response(null, { status: 204 }), 'x')).resolves.toBeUndefined()
  })

  it('keeps the code, texts and status of an error body', async () => {
    const e = await rejection(readAnswer(new Response('{"code":"conflict","message":"changed","zh":"已被修改"}', { status: 409 }), 'Step'))
    expect(e).toBeInstanceOf(ApiError)
    expect(e).toMatchObject({ code: 'conflict', message: 'changed', zh: '已被修改', status: 409 })
  })

  it('names the call when an error body has no message', async () => {
    const e = await rejection(readAnswer(new Response('{"code":"invalid"}', { status: 400 }), '/stations'))
    expect(e).toMatchObject({ code: 'invalid', message: '/stations: HTTP 400', zh: '', status: 400 })
  })

  it('maps a bare 404 to not_implemented and anything else to internal', async () => {
    expect(await rejection(readAnswer(new Response('404 page not found', { status: 404 }), 'Nope'))).toMatchObject({
      code: 'not_implemented',
      status: 404,
    })
    expect(await rejection(readAnswer(new Response('Bad Gateway', { status: 502 }), 'Info'))).toMatchObject({
      code: 'internal',
      message: 'Info: HTTP 502 Bad Gateway',
      status: 502,
    })
  })
})
