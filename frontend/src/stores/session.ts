import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { ApiError, toApiError } from '../api/errors'
import * as station from '../api/station'
import type { AppInfo, Staff } from '../api/station'

/**
 * useSessionStore holds which station this is and who is signed in. The Go
 * side owns the session (it survives a reload of the page), so the store
 * asks it with Info rather than remembering anything itself.
 */
export const useSessionStore = defineStore('session', () => {
  const info = ref<AppInfo | null>(null)
  const staff = ref<Staff | null>(null)
  const loadError = ref<ApiError | null>(null)
  let loading: Promise<void> | null = null

  const signedIn = computed(() => staff.value !== null && !info.value?.locked)
  const initialised = computed(() => info.value?.initialised ?? false)
  const stationName = computed(() => (initialised.value ? (info.value?.identity.name ?? '') : ''))
  const stationCode = computed(() => (initialised.value ? (info.value?.identity.code ?? '') : ''))
  const appVersion = computed(() => info.value?.version ?? '')

  async function fetchInfo() {
    try {
      info.value = await station.info()
      staff.value = info.value.user ?? null
      loadError.value = null
    } catch (e) {
      // Shown on the sign-in page (e.g. the database could not be opened).
      info.value = null
      staff.value = null
      loadError.value = toApiError(e)
    }
  }

  /** load asks the backend once; pass force to ask again. */
  function load(force = false): Promise<void> {
    if (!loading || force) loading = fetchInfo()
    return loading
  }

  /** signIn checks the credentials with the backend; it rejects with ApiError. */
  async function signIn(login: string, password: string) {
    staff.value = await station.signIn(login, password)
    if (info.value) info.value.locked = false
  }

  /**
   * signOut forgets the staff member here first, so the screen locks even if
   * the backend cannot be told.
   */
  async function signOut() {
    staff.value = null
    await station.signOut()
  }

  return {
    info,
    staff,
    loadError,
    signedIn,
    initialised,
    stationName,
    stationCode,
    appVersion,
    load,
    signIn,
    signOut,
  }
})
