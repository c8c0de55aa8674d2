import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api } from '../api/console'
import type { ActionInput, CaseAction, CaseRow } from '../api/types'

/** useInboxStore holds the cases the hall holds and has not concluded. */
export const useInboxStore = defineStore('console-inbox', () => {
  const rows = ref<CaseRow[]>([])
  const loading = ref(false)

  const overdue = computed(() => rows.value.filter((r) => r.deadline.overdue).length)
  const dueSoon = computed(() => rows.value.filter((r) => r.deadline.due_soon).length)
  const waiting = computed(() => rows.value.filter((r) => r.state === 'forwarded').length)

  async function load(): Promise<void> {
    loading.value = true
    try {
      rows.value = await api.inbox()
    } finally {
      loading.value = false
    }
  }

  /** act runs a case action, then reloads the inbox. */
  async function act(id: string, action: CaseAction, input: ActionInput = {}): Promise<void> {
    await api.caseAction(id, action, input)
    await load()
  }

  return { rows, loading, overdue, dueSoon, waiting, load, act }
})
