import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api } from '../api/console'
import type { CalendarYear, CatalogItem, Enrolment, Item, PublishResult, StationInfo, YearSpec } from '../api/types'

/** useCatalogStore holds the published catalog and the calendar years. */
export const useCatalogStore = defineStore('console-catalog', () => {
  const items = ref<CatalogItem[]>([])
  const years = ref<CalendarYear[]>([])
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      items.value = await api.catalog()
    } finally {
      loading.value = false
    }
  }

  async function loadYears(): Promise<void> {
    years.value = await api.calendar()
  }

  /** publishItem publishes an edited item as its next version. */
  async function publishItem(item: Item, catalog: string): Promise<PublishResult> {
    const res = await api.publishItem(item, catalog)
    await load()
    return res
  }

  async function setStatus(code: string, version: number, status: string): Promise<PublishResult> {
    const res = await api.setItemStatus(code, version, status)
    await load()
    return res
  }

  async function publishFile(text: string): Promise<PublishResult> {
    const res = await api.publishCatalogFile(text)
    await load()
    return res
  }

  async function publishYear(y: YearSpec): Promise<boolean> {
    const res = await api.publishCalendar(y)
    await loadYears()
    return res.changed
  }

  return { items, years, loading, load, loadYears, publishItem, setStatus, publishFile, publishYear }
})

/** useStationsStore holds the station registry. */
export const useStationsStore = defineStore('console-stations', () => {
  const list = ref<StationInfo[]>([])
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      list.value = await api.stations()
    } finally {
      loading.value = false
    }
  }

  /** name returns a station's name, or its code when unknown. */
  function name(code: string): string {
    return list.value.find((s) => s.code === code)?.name ?? code
  }

  /** enrol announces a station; the answer holds its one-time code. */
  async function enrol(code: string, stationName: string, region: string): Promise<Enrolment> {
    const e = await api.enrolStation(code, stationName, region)
    await load()
    return e
  }

  async function revoke(code: string): Promise<void> {
    await api.revokeStation(code)
    await load()
  }

  return { list, loading, load, name, enrol, revoke }
})
