import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { ApiError } from '@shared/errors'
import { api } from '../api/console'
import type { Permission, Staff } from '../api/types'

/** useSessionStore holds the signed-in hall account and what it may do. */
export const useSessionStore = defineStore('console-session', () => {
  const me = ref<Staff | null>(null)
  const checked = ref(false)

  const signedIn = computed(() => me.value !== null)

  /** can reports whether the signed-in account's role has permission p. */
  function can(p: Permission): boolean {
    return me.value?.permissions.includes(p) ?? false
  }

  /** load asks the hall who is signed in (the cookie is HttpOnly). */
  async function load(): Promise<Staff | null> {
    try {
      me.value = await api.me()
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 'unauthorized') throw e
      me.value = null
    } finally {
      checked.value = true
    }
    return me.value
  }

  async function signIn(login: string, password: string): Promise<Staff> {
    const s = await api.signIn(login, password)
    me.value = s
    checked.value = true
    return s
  }

  async function signOut(): Promise<void> {
    try {
      await api.signOut()
    } finally {
      me.value = null
    }
  }

  /** expired forgets the account after the hall said the session ended. */
  function expired(): void {
    me.value = null
  }

  return { me, checked, signedIn, can, load, signIn, signOut, expired }
})
