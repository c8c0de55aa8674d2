import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { toApiError, type ApiError } from '@shared/errors'
import * as api from '../api/kiosk'
import type { Evaluation, ItemSummary, KioskQuery, Progress, Ticket } from '../api/types'
import { parseReceiptQR } from '../domain/receiptQR'

/** The kiosk's screens. */
export type KioskScreen = 'home' | 'ticket' | 'progress' | 'rate'

/** Seconds of no touch after which the kiosk returns home. */
export const KIOSK_IDLE_SECONDS = 30

/**
 * useKioskStore drives the self-service kiosk: take a number, check a case's
 * progress (by scanning the receipt's QR code, or its short number and query
 * password), rate a visit tied to that case or to today's ticket. Nothing
 * here needs a staff sign-in, and everything is forgotten on the way home.
 */
export const useKioskStore = defineStore('kiosk', () => {
  const screen = ref<KioskScreen>('home')
  const ticket = ref<Ticket | null>(null)
  const caseNumber = ref('')
  const password = ref('')
  /** The scanned QR text, when the citizen scanned one. */
  const receipt = ref('')
  const progress = ref<Progress | null>(null)
  /** The query that found progress: a rating of this case sends it again as proof. */
  const found = ref<KioskQuery | null>(null)
  /** The ticket number (A003) a rating is tied to when there is no case. */
  const ticketNumber = ref('')
  const items = ref<ItemSummary[]>([])
  const busy = ref(false)
  const error = ref<ApiError | null>(null)
  const rated = ref(false)

  /** rateTarget says what a rating will be tied to, or null when nothing is chosen yet. */
  const rateTarget = computed(() => (found.value ? 'case' : ticketNumber.value.trim() ? 'ticket' : null))

  /** home forgets everything the last citizen entered. */
  function home() {
    screen.value = 'home'
    ticket.value = null
    caseNumber.value = ''
    password.value = ''
    receipt.value = ''
    progress.value = null
    found.value = null
    ticketNumber.value = ''
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

  async function loadItems() {
    const list = await run(() => api.kioskItems())
    if (list) items.value = list
  }

  async function takeTicket(itemCode = '') {
    const t = await run(() => api.kioskIssueTicket(itemCode))
    if (t) ticket.value = t
  }

  /**
   * setCaseInput takes what was typed or scanned into the number field. A
   * signed receipt QR code is proof enough: it looks the case up at once
   * and returns true. Otherwise it keeps the number for the password.
   */
  async function setCaseInput(text: string): Promise<boolean> {
    const claim = parseReceiptQR(text)
    if (!claim) {
      caseNumber.value = text.trim()
      receipt.value = ''
      return false
    }
    caseNumber.value = claim.number
    receipt.value = text.trim()
    if (!claim.signed) return false
    return lookUp()
  }

  /** query is what identifies the case: the scanned code, the number and password, or both. */
  function query(): KioskQuery {
    const q: KioskQuery = {}
    if (receipt.value) q.receipt = receipt.value
    if (caseNumber.value.trim()) q.number = caseNumber.value.trim()
    if (password.value.trim()) q.password = password.value.trim()
    return q
  }

  /** lookUp asks for the case's progress; true when found. */
  async function lookUp(): Promise<boolean> {
    const q = query()
    const p = await run(() => api.kioskProgress(q))
    if (!p) return false
    progress.value = p
    found.value = q
    return true
  }

  /** rateThisCase goes from a case's progress to rating it, keeping the proof. */
  function rateThisCase() {
    screen.value = 'rate'
    rated.value = false
    error.value = null
  }

  async function rate(ev: Evaluation & { contact?: string }) {
    const input = { ...ev, source: 'kiosk', case: found.value ?? undefined, ticket_number: found.value ? undefined : ticketNumber.value.trim() || undefined }
    const id = await run(() => api.kioskEvaluate(input))
    if (id !== null) rated.value = true
  }

  return {
    screen,
    ticket,
    caseNumber,
    password,
    receipt,
    progress,
    found,
    ticketNumber,
    items,
    busy,
    error,
    rated,
    rateTarget,
    home,
    go,
    loadItems,
    takeTicket,
    setCaseInput,
    lookUp,
    rateThisCase,
    rate,
  }
})
