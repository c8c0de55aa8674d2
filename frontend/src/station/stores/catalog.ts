import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as api from '../api/catalog'
import type { Item, ItemSummary } from '../api/types'

/**
 * useCatalogStore keeps the station's service items: the full summary list
 * (a township catalog has tens to a few hundred items, so it is loaded once
 * and used to name items in the queue, the case filters and the kiosk) and
 * item details fetched on demand.
 */
export const useCatalogStore = defineStore('catalog', () => {
  const items = ref<ItemSummary[]>([])
  const loaded = ref(false)
  const details = new Map<string, Item>()
  let loading: Promise<void> | null = null

  const byCode = computed(() => new Map(items.value.map((it) => [it.code, it])))

  /** load reads the item list once; pass force after an import. */
  function load(force = false): Promise<void> {
    if (!loading || force) {
      loading = api
        .findItems('')
        .then((list) => {
          items.value = list
          loaded.value = true
          if (force) details.clear()
        })
        .catch((e) => {
          loading = null
          throw e
        })
    }
    return loading
  }

  /** nameOf returns an item's display name ("" for an unknown or empty code). */
  function nameOf(code: string | undefined): string {
    if (!code) return ''
    const it = byCode.value.get(code)
    if (!it) return code
    return it.handling ? `${it.name}（${it.handling}）` : it.name
  }

  /** search asks the backend, which matches names, codes and pinyin initials. */
  function search(query: string): Promise<ItemSummary[]> {
    return api.findItems(query.trim())
  }

  /** detail returns an item's full record (situations, materials, allowances), cached. */
  async function detail(code: string): Promise<Item> {
    const have = details.get(code)
    if (have) return have
    const it = await api.item(code)
    details.set(code, it)
    return it
  }

  return { items, loaded, byCode, load, nameOf, search, detail }
})
