import { defineStore } from 'pinia'
import { ref } from 'vue'
import { toApiError, type ApiError } from '@shared/errors'
import * as api from '../api/cases'
import type { CaseView, StepInput } from '../api/types'
import type { Collection } from '../domain/materials'

/**
 * useCaseDetailStore holds the case on screen: its view (masked, or revealed
 * for a stated purpose), and the actions a clerk takes on it. Every action
 * reloads the view, because the backend decides the next allowed steps and
 * the deadline.
 */
export const useCaseDetailStore = defineStore('caseDetail', () => {
  const view = ref<CaseView | null>(null)
  const loading = ref(false)
  const error = ref<ApiError | null>(null)
  const revealed = ref(false)
  const scanURLs = ref<Record<string, string>>({})
  let currentID = ''

  // After a change the view goes back to masked: revealing again needs a
  // purpose from the clerk, never one made up here.
  async function reload() {
    if (!currentID) return
    const v = await api.showCase(currentID)
    revealed.value = false
    view.value = v
  }

  /** load shows a case, masked. */
  async function load(id: string) {
    if (id !== currentID) {
      view.value = null
      revealed.value = false
      scanURLs.value = {}
    }
    currentID = id
    loading.value = true
    try {
      view.value = await api.showCase(id)
      revealed.value = false
      error.value = null
    } catch (e) {
      error.value = toApiError(e)
    } finally {
      loading.value = false
    }
  }

  /** reveal shows the personal data in full; the purpose goes to the access log. */
  async function reveal(purpose: string) {
    view.value = await api.revealCase(currentID, purpose)
    revealed.value = true
  }

  /** mask goes back to the masked view. */
  async function mask() {
    await reload()
  }

  /** runStep performs a lifecycle step and reloads the case. */
  async function runStep(input: StepInput) {
    await api.step(currentID, input)
    await reload()
  }

  /** recordMaterial changes how a material was collected. */
  async function recordMaterial(code: string, how: Collection, certNo = '') {
    await api.recordMaterial(currentID, { code, collected: how, cert_no: certNo || undefined })
    await reload()
  }

  /** attachScan stores a scan or photo on a material. */
  async function attachScan(code: string, name: string, mime: string, base64: string) {
    await api.attachScan(currentID, code, name, mime, base64)
    await reload()
  }

  /** scanURL returns a scan's data: URL, fetched once. */
  async function scanURL(sha: string): Promise<string> {
    const have = scanURLs.value[sha]
    if (have) return have
    const url = await api.scanDataURL(sha)
    scanURLs.value = { ...scanURLs.value, [sha]: url }
    return url
  }

  /** resolveConflict records how a sync conflict on this case was settled. */
  async function resolveConflict(eventID: string, resolution: string) {
    await api.resolveConflict(eventID, resolution)
    await reload()
  }

  return { view, loading, error, revealed, scanURLs, load, reload, reveal, mask, runStep, recordMaterial, attachScan, scanURL, resolveConflict }
})
