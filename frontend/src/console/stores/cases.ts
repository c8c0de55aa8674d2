import { defineStore } from 'pinia'
import { reactive, ref } from 'vue'
import { api } from '../api/console'
import type { Access, ActionInput, CaseAction, CaseRow, CaseSearch, CaseView } from '../api/types'

/** useCasesStore holds the search across stations and the open case. */
export const useCasesStore = defineStore('console-cases', () => {
  const search = reactive<CaseSearch>({ q: '', state: '', station: '', item: '', from: '', to: '', limit: 100 })
  const results = ref<CaseRow[]>([])
  const searched = ref(false)
  const loading = ref(false)

  const view = ref<CaseView | null>(null)
  const access = ref<Access[]>([])

  async function find(): Promise<void> {
    loading.value = true
    try {
      results.value = await api.searchCases(search)
      searched.value = true
    } finally {
      loading.value = false
    }
  }

  /** enquire finds one applicant's cases for a telephone enquiry; the hall logs the purpose. */
  async function enquire(applicant: string, purpose: string): Promise<void> {
    loading.value = true
    try {
      results.value = await api.enquiry(applicant, purpose)
      searched.value = true
    } finally {
      loading.value = false
    }
  }

  function reset(): void {
    Object.assign(search, { q: '', state: '', station: '', item: '', from: '', to: '' })
    results.value = []
    searched.value = false
  }

  /** open loads a case, masked. */
  async function open(id: string): Promise<CaseView> {
    view.value = await api.showCase(id)
    access.value = []
    return view.value
  }

  /** unmask loads the full record; the hall logs the purpose. */
  async function unmask(id: string, purpose: string): Promise<CaseView> {
    view.value = await api.unmaskCase(id, purpose)
    return view.value
  }

  /** act runs a case action and keeps the answer (the case, masked). */
  async function act(id: string, action: CaseAction, input: ActionInput = {}): Promise<CaseView> {
    view.value = await api.caseAction(id, action, input)
    return view.value
  }

  async function loadAccess(id: string): Promise<void> {
    access.value = await api.caseAccess(id)
  }

  return { search, results, searched, loading, view, access, find, enquire, reset, open, unmask, act, loadAccess }
})
