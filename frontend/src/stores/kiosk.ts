import { defineStore } from 'pinia'
import { ref } from 'vue'
import * as api from '../api/kiosk'
import { toApiError, type ApiError } from '../api/errors'
import type { EvaluationInput, Progress, Ticket } from '../api/types'
import { caseNumberFrom } from '../domain/receiptQR'

/** The kiosk's screens. */
export type KioskScreen = 'home' | 'ticket' | 'progress' | 'rate'

/** Seconds of no touch after which the kiosk returns home. */
export const KIOSK_IDLE_SECONDS = 30

/**
 * useKioskStore drives the self-service kiosk: take a number, check a case's
 * progress with its number and query password, rate the visit. Nothing here
 * needs a staff sign-in, and everything is forgotten on the way home.
 */
export const useKioskStore = defineStore('kiosk', () => {
  const screen = ref<KioskScreen>('home')
  const ticket = ref<Ticket | null>(null)
  const caseNumber = ref('')
  const password = ref('')
  const progress = ref<Progress | null>(null)
  const busy = ref(false)
  const error = ref<ApiError | null>(null)
  const rated = ref(false)

  /** home forgets everything the last citizen entered. */
  function home() {
    screen.value = 'home'
    ticket.value = null
    caseNumber.value = ''
    password.value = ''
    progress.value = null
    error.value = null
    rated.value = false
    busy.value = false
  }

  function go(s: KioskScreen) {
    home()
    screen.value = s
  }

  async function run<T>(fn: () => Promise<T>): Promise<T | null> {
    busy.value = true
    error.value = null
    try {
      return await fn()
    } catch (e) {
      error.value = toApiError(e)
      return null
    } finally {
      busy.value = false
    }
  }

  async function takeTicket(itemCode = '') {
    const t = await run(() => api.kioskIssueTicket(itemCode))
    if (t) ticket.value = t
  }

  /** setCaseInput accepts a typed case number or a scanned receipt QR text. */
  function setCaseInput(text: string) {
    caseNumber.value = caseNumberFrom(text)
  }

  async function lookUp() {
    const p = await run(() => api.kioskProgress(caseNumber.value.trim(), password.value.trim()))
    if (p) progress.value = p
  }

  async function rate(input: EvaluationInput) {
    const id = await run(() => api.kioskEvaluate(input))
    if (id !== null) rated.value = true
  }

  return { screen, ticket, caseNumber, password, progress, busy, error, rated, home, go, takeTicket, setCaseInput, lookUp, rate }
})
