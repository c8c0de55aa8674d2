import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { ApiError, toApiError } from '@shared/errors'
import * as station from '../api/station'
import type { AppInfo, SetupInput, Staff } from '../api/station'

/**
 * useSessionStore holds which station this is and who is signed in. The Go
 * side owns the session (it survives a reload of the page), so the store
 * asks it with Info rather than remembering anything itself.
 *
 * A locked session keeps its staff member: the pages stay where they were
 * behind the lock overlay until the same person unlocks or another signs in.
 */
export const useSessionStore = defineStore('session', () => {
  const info = ref<AppInfo | null>(null)
  const staff = ref<Staff | null>(null)
  const loadError = ref<ApiError | null>(null)
  let loading: Promise<void> | null = null

  const signedIn = computed(() => staff.value !== null)
  const locked = computed(() => staff.value !== null && (info.value?.locked ?? false))
  const initialised = computed(() => info.value?.initialised ?? false)
  const identity = computed(() => (initialised.value ? (info.value?.identity ?? null) : null))
  const stationName = computed(() => identity.value?.name ?? '')
  const stationCode = computed(() => identity.value?.code ?? '')
  const appVersion = computed(() => info.value?.version ?? '')
  const isHead = computed(() => staff.value?.role === 'head')

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

  function setLocked(on: boolean) {
    if (info.value) info.value.locked = on
  }

  /** setup initialises the station on first run and signs its head in. */
  async function setup(input: SetupInput) {
    info.value = await station.setup(input)
    staff.value = await station.signIn(input.admin_login, input.admin_password)
    setLocked(false)
    if (info.value) info.value.user = staff.value
  }

  /** signIn checks the credentials with the backend (also to switch user); it rejects with ApiError. */
  async function signIn(login: string, password: string) {
    staff.value = await station.signIn(login, password)
    setLocked(false)
    if (info.value) info.value.user = staff.value
  }

  /**
   * signOut forgets the staff member here first, so the screen locks even if
   * the backend cannot be told.
   */
  async function signOut() {
    staff.value = null
    setLocked(false)
    await station.signOut()
  }

  /** lock covers the screen at once, then tells the backend to refuse calls until unlocked. */
  async function lock() {
    if (!staff.value) return
    setLocked(true)
    await station.lock()
  }

  /** unlock checks the signed-in staff member's password. */
  async function unlock(password: string) {
    staff.value = await station.unlock(password)
    setLocked(false)
  }

  /** refresh re-reads the station (after enrolment or a catalog import). */
  function refresh() {
    return load(true)
  }

  return {
    info,
    staff,
    loadError,
    signedIn,
    locked,
    initialised,
    identity,
    stationName,
    stationCode,
    appVersion,
    isHead,
    load,
    refresh,
    setup,
    signIn,
    signOut,
    lock,
    unlock,
  }
})
