import { defineStore } from 'pinia'
import { ref } from 'vue'
import { toApiError, type ApiError } from '@shared/errors'
import * as api from '../api/counter'
import type { Dashboard } from '../api/types'

/**
 * useDashboardStore holds the station's figures for the 工作台. watch()
 * keeps them current while the dashboard is on screen: it polls the
 * backend's change mark (cheap) and reloads the figures when a case, ticket
 * or rating was recorded here, by another clerk or by a sync.
 */
export const useDashboardStore = defineStore('dashboard', () => {
  const data = ref<Dashboard | null>(null)
  const loading = ref(false)
  const error = ref<ApiError | null>(null)

  async function load() {
    loading.value = data.value === null
    try {
      data.value = await api.dashboard()
      error.value = null
    } catch (e) {
      error.value = toApiError(e)
    } finally {
      loading.value = false
    }
  }

  let mark = ''
  let timer: ReturnType<typeof setInterval> | null = null

  /** refreshIfChanged reloads the figures when the change mark moved. */
  async function refreshIfChanged() {
    try {
      const m = await api.changeMark()
      if (m !== mark) {
        mark = m
        await load()
      }
    } catch {
      // The next tick tries again; the figures on screen stay.
    }
  }

  /** watch starts following changes (every pollMs); unwatch stops. */
  function watch(pollMs = 3000) {
    unwatch()
    mark = ''
    void refreshIfChanged()
    timer = setInterval(() => void refreshIfChanged(), pollMs)
  }

  function unwatch() {
    if (timer) clearInterval(timer)
    timer = null
  }

  return { data, loading, error, load, watch, unwatch, refreshIfChanged }
})
