import { defineStore } from 'pinia'
import { reactive, ref } from 'vue'
import { api } from '../api/console'
import type { BadReview, CallbackInput, Stats, StatsFilter } from '../api/types'

/** useReviewsStore holds the bad-review rectification list. */
export const useReviewsStore = defineStore('console-reviews', () => {
  const list = ref<BadReview[]>([])
  const openOnly = ref(true)
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      list.value = await api.reviews({ open: openOnly.value })
    } finally {
      loading.value = false
    }
  }

  async function callback(caseID: string, input: CallbackInput): Promise<void> {
    await api.recordCallback(caseID, input)
    await load()
  }

  return { list, openOnly, loading, load, callback }
})

/** useStatsStore holds the statistics for the chosen period and filters. */
export const useStatsStore = defineStore('console-stats', () => {
  const filter = reactive<StatsFilter>({ from: '', to: '', station: '', item: '' })
  const data = ref<Stats | null>(null)
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      data.value = await api.stats(filter)
      // The hall fills in the default period; show it in the pickers.
      filter.from = data.value.from
      filter.to = data.value.to
    } finally {
      loading.value = false
    }
  }

  /** excelURL is the download link of the current figures. */
  function excelURL(lang: string): string {
    return api.statsExcelURL(filter, lang)
  }

  return { filter, data, loading, load, excelURL }
})
