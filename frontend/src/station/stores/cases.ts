import { defineStore } from 'pinia'
import { reactive, ref } from 'vue'
import { toApiError, type ApiError } from '@shared/errors'
import * as api from '../api/cases'
import type { CaseFilter, CaseSummary } from '../api/types'

/** Rows per page: the backend caps a page at 500; 50 keeps the table quick. */
export const PAGE_SIZE = 50

/** CaseListFilters is what the filter bar edits. */
export interface CaseListFilters {
  query: string
  state: string
  channel: string
  itemCode: string
  from: string
  to: string
  overdue: boolean
  dueSoon: boolean
}

function emptyFilters(): CaseListFilters {
  return { query: '', state: '', channel: '', itemCode: '', from: '', to: '', overdue: false, dueSoon: false }
}

/**
 * buildFilter turns the filter bar and a page number (from 1) into the
 * backend's CaseFilter, leaving out what is empty.
 */
export function buildFilter(f: CaseListFilters, page: number, pageSize = PAGE_SIZE): CaseFilter {
  const out: CaseFilter = { limit: pageSize, offset: Math.max(0, page - 1) * pageSize }
  const q = f.query.trim()
  if (q) out.query = q
  if (f.state) out.state = f.state
  if (f.channel) out.channel = f.channel
  if (f.itemCode) out.item_code = f.itemCode
  if (f.from) out.from = f.from
  if (f.to) out.to = f.to
  if (f.overdue) out.overdue = true
  if (f.dueSoon) out.due_soon = true
  return out
}

/**
 * useCasesStore is the case list: filters, one page of masked rows and the
 * total. Paging happens in the backend, so a station with 100,000 cases
 * never sends more than a page.
 */
export const useCasesStore = defineStore('cases', () => {
  const filters = reactive<CaseListFilters>(emptyFilters())
  const page = ref(1)
  const rows = ref<CaseSummary[]>([])
  const total = ref(0)
  const loading = ref(false)
  const error = ref<ApiError | null>(null)
  let seq = 0

  /** fetch loads the current page; a reply to an older request is dropped. */
  async function fetch() {
    const mine = ++seq
    loading.value = true
    try {
      const res = await api.findCases(buildFilter(filters, page.value))
      if (mine !== seq) return
      rows.value = res.cases ?? []
      total.value = res.total
      error.value = null
    } catch (e) {
      if (mine !== seq) return
      error.value = toApiError(e)
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  /** search starts again from the first page with the current filters. */
  function search() {
    page.value = 1
    return fetch()
  }

  /** setPage shows another page. */
  function setPage(n: number) {
    page.value = n
    return fetch()
  }

  /** resetFilters clears every filter (and optionally sets some) and searches. */
  function resetFilters(set: Partial<CaseListFilters> = {}) {
    Object.assign(filters, emptyFilters(), set)
    return search()
  }

  return { filters, page, rows, total, loading, error, fetch, search, setPage, resetFilters }
})
