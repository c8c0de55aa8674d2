import { defineStore } from 'pinia'
import { ref } from 'vue'
import { toApiError, type ApiError } from '@shared/errors'
import * as catalogApi from '../api/catalog'
import * as api from '../api/station'
import type { ImportResult, Staff, StaffUpdate } from '../api/types'
import { useCatalogStore } from './catalog'
import { useSessionStore } from './session'

/**
 * useSettingsStore is the 设置 area: staff accounts (station head only),
 * catalog import and backups. Per-computer preferences are in prefs.
 */
export const useSettingsStore = defineStore('settings', () => {
  const staff = ref<Staff[]>([])
  const staffError = ref<ApiError | null>(null)
  const hasWindow = ref(false)
  const importing = ref(false)
  const importResult = ref<ImportResult | null>(null)
  const backingUp = ref(false)
  const backupPath = ref('')

  async function detectWindow() {
    hasWindow.value = await api.hasWindow()
  }

  async function loadStaff() {
    try {
      staff.value = await api.listStaff()
      staffError.value = null
    } catch (e) {
      staffError.value = toApiError(e)
    }
  }

  async function addStaff(login: string, name: string, role: string, password: string) {
    await api.addStaff(login.trim(), name.trim(), role, password)
    await loadStaff()
  }

  async function updateStaff(id: string, update: StaffUpdate) {
    await api.updateStaff(id, update)
    await loadStaff()
  }

  async function afterImport(res: ImportResult) {
    importResult.value = res
    await useCatalogStore().load(true)
    await useSessionStore().refresh()
  }

  /** importCatalogText imports a catalog from JSON text (a pasted or uploaded file). */
  async function importCatalogText(text: string) {
    importing.value = true
    importResult.value = null
    try {
      await afterImport(await catalogApi.importCatalog(text))
    } finally {
      importing.value = false
    }
  }

  /** importCatalogFile imports a catalog from a path on this computer. */
  async function importCatalogFile(path: string) {
    importing.value = true
    importResult.value = null
    try {
      await afterImport(await catalogApi.importCatalogFile(path))
    } finally {
      importing.value = false
    }
  }

  async function backup(path: string) {
    backingUp.value = true
    backupPath.value = ''
    try {
      await api.backup(path)
      backupPath.value = path
    } finally {
      backingUp.value = false
    }
  }

  return {
    staff,
    staffError,
    hasWindow,
    importing,
    importResult,
    backingUp,
    backupPath,
    detectWindow,
    loadStaff,
    addStaff,
    updateStaff,
    importCatalogText,
    importCatalogFile,
    backup,
  }
})
