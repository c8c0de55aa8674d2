import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CaseRow, Staff, Stats } from '../api/types'
import { useCatalogStore, useStationsStore } from './admin'
import { useCasesStore } from './cases'
import { useInboxStore } from './inbox'
import { useReviewsStore, useStatsStore } from './reports'
import { useSessionStore } from './session'

type Route = (url: string, init: RequestInit) => [number, unknown]

/** serve answers fetch calls with route, recording them. */
function serve(route: Route) {
  const calls: { url: string; method: string; body: unknown }[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      calls.push({ url, method: init.method ?? 'GET', body: init.body ? JSON.parse(String(init.body)) : undefined })
      const [status, body] = route(url, init)
      return new Response(JSON.stringify(body), { status })
    }),
  )
  return calls
}

const approver: Staff = {
  login: 'li',
  name: '李审批',
  role: 'approver',
  role_zh: '审批员',
  disabled: false,
  permissions: ['cases.view', 'cases.unmask', 'cases.handle', 'cases.decide'],
}

function row(id: string, overdue = false, state = 'forwarded'): CaseRow {
  return {
    id,
    number: `A01-${id}`,
    station: 'A01',
    holder: 'hall',
    state,
    state_zh: '',
    item_code: 'X',
    item_name: 'X',
    handled_at: 'hall',
    applicant: '张*',
    applicant_id: '110105********002X',
    received_at: '2026-03-02T01:00:00Z',
    updated_at: '2026-03-02T01:00:00Z',
    deadline: { due: '2026-03-16', workdays_left: overdue ? -1 : 5, overdue, legal_overdue: false, due_soon: false },
    next: ['start_process'],
  }
}

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => vi.unstubAllGlobals())

describe('session store', () => {
  it('signs in and knows what the role may do', async () => {
    serve(() => [200, approver])
    const s = useSessionStore()
    await s.signIn('li', 'pw')
    expect(s.signedIn).toBe(true)
    expect(s.can('cases.decide')).toBe(true)
    expect(s.can('catalog.publish')).toBe(false)
  })

  it('treats 401 on load as signed out, not as an error', async () => {
    serve(() => [401, { code: 'unauthorized', message: 'x', zh: '' }])
    const s = useSessionStore()
    expect(await s.load()).toBeNull()
    expect(s.checked).toBe(true)
    expect(s.signedIn).toBe(false)
  })

  it('forgets the account on sign-out even if the hall is unreachable', async () => {
    serve(() => [200, approver])
    const s = useSessionStore()
    await s.signIn('li', 'pw')
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('offline')))
    await s.signOut().catch(() => undefined)
    expect(s.me).toBeNull()
  })
})

describe('inbox store', () => {
  it('counts overdue and waiting cases, and reloads after an action', async () => {
    let rows = [row('1', true), row('2'), row('3', false, 'suspended')]
    const calls = serve((url) => {
      if (url.endsWith('/approve')) {
        rows = rows.slice(1)
        return [200, {}]
      }
      return [200, rows]
    })
    const inbox = useInboxStore()
    await inbox.load()
    expect(inbox.overdue).toBe(1)
    expect(inbox.waiting).toBe(2)
    await inbox.act('1', 'approve', { cert_no: 'Z' })
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /console/api/inbox',
      'POST /console/api/cases/1/approve',
      'GET /console/api/inbox',
    ])
    expect(calls[1].body).toEqual({ cert_no: 'Z' })
    expect(inbox.rows).toHaveLength(2)
  })
})

describe('cases store', () => {
  it('searches with the filters and unmasks with a purpose', async () => {
    const calls = serve((url) => [200, url.includes('/unmask') ? { case: { id: '1' }, masked: false } : [row('1')]])
    const cases = useCasesStore()
    cases.search.q = 'A01'
    cases.search.state = 'forwarded'
    await cases.find()
    expect(calls[0].url).toBe('/console/api/cases?q=A01&state=forwarded&limit=100')
    expect(cases.results).toHaveLength(1)
    await cases.unmask('1', '打印通知书')
    expect(calls[1]).toMatchObject({ method: 'POST', url: '/console/api/cases/1/unmask', body: { purpose: '打印通知书' } })
    expect(cases.view?.masked).toBe(false)
    cases.reset()
    expect(cases.search.q).toBe('')
    expect(cases.results).toHaveLength(0)
  })
})

describe('catalog and stations stores', () => {
  it('publishes an item version and reloads the catalog', async () => {
    const calls = serve((url) => [200, url.endsWith('/items') ? { catalog: 'X@v2', added: 1 } : []])
    const catalog = useCatalogStore()
    const res = await catalog.publishItem(
      { implementation_code: 'X', name: 'X', kind: '承诺件', legal_limit: { value: 20, unit: 'G' }, promised_limit: { value: 7, unit: 'G' } },
      '',
    )
    expect(res.catalog).toBe('X@v2')
    expect(calls[0].body).toMatchObject({ item: { implementation_code: 'X' }, catalog: '' })
    expect(calls[1].url).toBe('/console/api/catalog')
  })

  it('enrols a station and names stations by code', async () => {
    serve((url) =>
      url.endsWith('/stations') && calls0++ === 0
        ? [200, { station: 'B02', enrol_code: 'ABCD-EFGH-JKMN-PQRS', expires: '2026-03-09T00:00:00Z' }]
        : [200, [{ code: 'B02', name: '新站', status: 'announced', cursor: 0, lag: 0, conflicts: 0 }]],
    )
    let calls0 = 0
    const stations = useStationsStore()
    const e = await stations.enrol('B02', '新站', '')
    expect(e.enrol_code).toBe('ABCD-EFGH-JKMN-PQRS')
    expect(stations.name('B02')).toBe('新站')
    expect(stations.name('Z99')).toBe('Z99')
  })
})

describe('reviews and stats stores', () => {
  it('loads open reviews and records a call-back', async () => {
    const calls = serve(() => [200, []])
    const reviews = useReviewsStore()
    await reviews.load()
    expect(calls[0].url).toBe('/console/api/reviews?open=1')
    await reviews.callback('c1', { status: 'explained', callback: '已回访', result: '已解释' })
    expect(calls[1]).toMatchObject({ method: 'POST', url: '/console/api/reviews/c1', body: { status: 'explained' } })
  })

  it('takes the period the hall chose and builds the Excel link from it', async () => {
    const data = { from: '2025-04-01', to: '2026-03-02', total: {}, by_station: [], by_item: [], by_month: [], waiting_note: '' } as unknown as Stats
    const calls = serve(() => [200, data])
    const stats = useStatsStore()
    stats.filter.station = 'A01'
    await stats.load()
    expect(calls[0].url).toBe('/console/api/stats?station=A01')
    expect(stats.filter.from).toBe('2025-04-01')
    expect(stats.excelURL('zh-CN')).toBe('/console/api/stats.xlsx?from=2025-04-01&to=2026-03-02&station=A01&lang=zh-CN')
  })
})

describe('telephone enquiry', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => vi.unstubAllGlobals())

  it('posts the applicant and the purpose (never in the URL) and shows the masked rows', async () => {
    const calls = serve(() => [200, [row('c1')]])
    const cases = useCasesStore()
    await cases.enquire('张三丰', '来电查询办理进度')
    expect(calls).toHaveLength(1)
    expect(calls[0].method).toBe('POST')
    expect(calls[0].url).not.toContain('张三丰')
    expect(calls[0].body).toEqual({ applicant: '张三丰', purpose: '来电查询办理进度' })
    expect(cases.results.map((r) => r.id)).toEqual(['c1'])
  })
})
