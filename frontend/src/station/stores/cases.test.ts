import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { CasePage } from '../api/types'
import { buildFilter, PAGE_SIZE, useCasesStore } from './cases'

vi.mock('../api/cases', () => ({ findCases: vi.fn() }))
const api = await import('../api/cases')
const findCases = vi.mocked(api.findCases)

function page(total: number, numbers: string[]): CasePage {
  return {
    total,
    cases: numbers.map((n) => ({
      id: n,
      number: n,
      item_name: '',
      state: 'received',
      state_zh: '已收件',
      channel: 'window',
      applicant: '张*',
      id_number: '',
      phone: '',
      received_at: '',
      overdue: false,
      due_soon: false,
      holder: '',
    })),
  }
}

describe('buildFilter', () => {
  const empty = { query: '', state: '', channel: '', itemCode: '', from: '', to: '', overdue: false, dueSoon: false }

  it('leaves out empty filters and pages by offset', () => {
    expect(buildFilter(empty, 1)).toEqual({ limit: PAGE_SIZE, offset: 0 })
    expect(buildFilter(empty, 3)).toEqual({ limit: 50, offset: 100 })
  })

  it('passes every filter the bar can set', () => {
    expect(
      buildFilter(
        { query: '  张三 ', state: 'accepted', channel: 'village', itemCode: 'X-1', from: '2026-01-01', to: '2026-01-31', overdue: true, dueSoon: true },
        1,
      ),
    ).toEqual({
      query: '张三',
      state: 'accepted',
      channel: 'village',
      item_code: 'X-1',
      from: '2026-01-01',
      to: '2026-01-31',
      overdue: true,
      due_soon: true,
      limit: 50,
      offset: 0,
    })
  })
})

describe('cases store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    findCases.mockReset()
  })

  it('searches from the first page and pages on the server', async () => {
    findCases.mockResolvedValueOnce(page(120, ['a', 'b'])).mockResolvedValueOnce(page(120, ['c']))
    const cases = useCasesStore()
    cases.filters.overdue = true
    await cases.search()
    expect(findCases).toHaveBeenLastCalledWith({ overdue: true, limit: 50, offset: 0 })
    expect(cases.total).toBe(120)
    expect(cases.rows.map((r) => r.number)).toEqual(['a', 'b'])

    await cases.setPage(3)
    expect(findCases).toHaveBeenLastCalledWith({ overdue: true, limit: 50, offset: 100 })
    expect(cases.page).toBe(3)
    expect(cases.rows.map((r) => r.number)).toEqual(['c'])
  })

  it('goes back to page one when a filter changes', async () => {
    findCases.mockResolvedValue(page(0, []))
    const cases = useCasesStore()
    await cases.setPage(4)
    await cases.resetFilters({ state: 'correction' })
    expect(cases.page).toBe(1)
    expect(findCases).toHaveBeenLastCalledWith({ state: 'correction', limit: 50, offset: 0 })
  })

  it('keeps only the answer to the latest request', async () => {
    let first: (p: CasePage) => void = () => undefined
    findCases.mockImplementationOnce(() => new Promise((r) => (first = r))).mockResolvedValueOnce(page(1, ['new']))
    const cases = useCasesStore()
    const slow = cases.search()
    await cases.search()
    first(page(9, ['old']))
    await slow
    expect(cases.rows.map((r) => r.number)).toEqual(['new'])
    expect(cases.total).toBe(1)
  })

  it('keeps the error for the page to show', async () => {
    findCases.mockRejectedValue({ code: 'unauthorized', message: 'not signed in', zh: '请先登录。' })
    const cases = useCasesStore()
    await cases.search()
    expect(cases.error).toMatchObject({ code: 'unauthorized', zh: '请先登录。' })
    expect(cases.loading).toBe(false)
  })
})
