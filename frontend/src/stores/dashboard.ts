import { defineStore } from 'pinia'
import { ref } from 'vue'
import * as api from '../api/counter'
import { toApiError, type ApiError } from '../api/errors'
import type { Dashboard } from '../api/types'

/** useDashboardStore holds the station's figures for the 工作台. */
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

  return { data, loading, error, load }
})
