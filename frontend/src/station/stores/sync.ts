import { defineStore } from 'pinia'
import { ref } from 'vue'
import { toApiError, type ApiError } from '@shared/errors'
import * as cases from '../api/cases'
import * as api from '../api/sync'
import type { BundleExport, BundleImport, ConflictView, SyncResult, SyncStatus } from '../api/types'

/** How often the sync panel reads the status while it is open. */
export const SYNC_POLL_MS = 5000

/**
 * useSyncStore is the 同步 panel: the status (read locally, it never waits
 * on the network), a manual sync, enrolment, USB bundles and conflicts.
 * Background sync runs in Go whether or not this panel is open.
 */
export const useSyncStore = defineStore('sync', () => {
  const status = ref<SyncStatus | null>(null)
  const error = ref<ApiError | null>(null)
  const syncing = ref(false)
  const lastResult = ref<SyncResult | null>(null)
  const bundleBusy = ref<'' | 'export' | 'import'>('')
  const exported = ref<BundleExport | null>(null)
  const imported = ref<BundleImport | null>(null)
  const conflicts = ref<ConflictView[]>([])
  let poll: ReturnType<typeof setInterval> | null = null

  async function loadStatus() {
    try {
      status.value = await api.syncStatus()
      error.value = null
    } catch (e) {
      error.value = toApiError(e)
    }
  }

  async function loadConflicts() {
    conflicts.value = await cases.conflicts(false)
  }

  /** syncNow syncs once; the error, if any, is thrown for the caller to show. */
  async function syncNow() {
    syncing.value = true
    try {
      lastResult.value = await api.syncNow()
    } finally {
      syncing.value = false
      await loadStatus()
      await loadConflicts().catch(() => undefined)
    }
  }

  async function enroll(hallURL: string, code: string) {
    await api.enroll(hallURL.trim(), code.trim())
    await loadStatus()
  }

  async function exportBundle(path: string) {
    bundleBusy.value = 'export'
    exported.value = null
    try {
      exported.value = await api.exportBundle(path)
    } finally {
      bundleBusy.value = ''
      await loadStatus()
    }
  }

  async function importBundle(path: string) {
    bundleBusy.value = 'import'
    imported.value = null
    try {
      imported.value = await api.importBundle(path)
    } finally {
      bundleBusy.value = ''
      await loadStatus()
      await loadConflicts().catch(() => undefined)
    }
  }

  async function resolve(eventID: string, resolution: string) {
    await cases.resolveConflict(eventID, resolution)
    await loadConflicts()
    await loadStatus()
  }

  function start() {
    void loadStatus()
    void loadConflicts().catch((e) => (error.value = toApiError(e)))
    if (!poll) poll = setInterval(() => void loadStatus(), SYNC_POLL_MS)
  }

  function stop() {
    if (poll) clearInterval(poll)
    poll = null
  }

  return {
    status,
    error,
    syncing,
    lastResult,
    bundleBusy,
    exported,
    imported,
    conflicts,
    loadStatus,
    loadConflicts,
    syncNow,
    enroll,
    exportBundle,
    importBundle,
    resolve,
    start,
    stop,
  }
})
