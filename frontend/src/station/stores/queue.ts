import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { toApiError, type ApiError } from '@shared/errors'
import { parseTime } from '@shared/time'
import * as api from '../api/counter'
import type { Ticket } from '../api/types'
import { speak } from '../composables/useSpeech'
import { callText, windowNumber } from '../domain/announce'
import { usePrefsStore } from './prefs'

/** localStorage key of this counter's window number: it belongs to the desk, not the clerk. */
const WINDOW_KEY = 'yizhan.window'

/** How often the waiting list is read again while the queue screen is open. */
export const QUEUE_POLL_MS = 5000

/**
 * useQueueStore is today's queue at this station: who waits, who is being
 * served at this window, and this desk's window number (asked once, at
 * sign-in or in settings). A call is announced to the waiting room through
 * speech synthesis at the volume set in settings; the display page shows
 * it. Waiting times tick every second on this side between reads.
 */
export const useQueueStore = defineStore('queue', () => {
  const tickets = ref<Ticket[]>([])
  const loading = ref(false)
  const error = ref<ApiError | null>(null)
  const windowNo = ref(localStorage.getItem(WINDOW_KEY) ?? '')
  const now = ref(Date.now())
  let poll: ReturnType<typeof setInterval> | null = null
  let tick: ReturnType<typeof setInterval> | null = null
  let users = 0

  const waiting = computed(() => tickets.value.filter((t) => t.status === 'waiting'))
  const serving = computed(() => tickets.value.filter((t) => t.status === 'serving'))
  const finished = computed(() => tickets.value.filter((t) => t.status === 'done' || t.status === 'absent'))

  /** waitSecs is how long a ticket has waited so far (or waited, once called). */
  function waitSecs(t: Ticket): number {
    if (t.status !== 'waiting') return t.wait_secs
    const issued = parseTime(t.issued_at)
    return Number.isNaN(issued) ? t.wait_secs : Math.max(0, Math.floor((now.value - issued) / 1000))
  }

  /** transferCount is how many times a ticket was sent to another item. */
  function transferCount(t: Ticket): number {
    try {
      const list: unknown = JSON.parse(t.transfers || '[]')
      return Array.isArray(list) ? list.length : 0
    } catch {
      return 0
    }
  }

  function setWindow(w: string) {
    windowNo.value = windowNumber(w)
    localStorage.setItem(WINDOW_KEY, windowNo.value)
  }

  /** announce says a call aloud in the waiting room; the text spoken is returned. */
  function announce(t: Ticket): string {
    const text = callText(t.number, t.window || windowNo.value)
    speak(text, usePrefsStore().callVolume / 100)
    return text
  }

  async function refresh() {
    loading.value = tickets.value.length === 0
    try {
      tickets.value = await api.queue()
      error.value = null
    } catch (e) {
      error.value = toApiError(e)
    } finally {
      loading.value = false
    }
  }

  function upsert(t: Ticket) {
    const i = tickets.value.findIndex((x) => x.id === t.id)
    if (i >= 0) tickets.value.splice(i, 1, t)
    else tickets.value.push(t)
  }

  /** issue takes a number (optionally for an item) and returns it. */
  async function issue(itemCode = ''): Promise<Ticket> {
    const t = await api.issueTicket(itemCode)
    upsert(t)
    return t
  }

  /** callNext calls the next waiting person to this window and announces it. */
  async function callNext(): Promise<Ticket> {
    const t = await api.callNext(windowNo.value)
    upsert(t)
    announce(t)
    return t
  }

  /** finish ends service; absent when the person called did not come. */
  async function finish(id: string, absent: boolean) {
    upsert(await api.finishTicket(id, absent))
  }

  /** transfer sends a ticket back to the queue for another item, with a reason. */
  async function transfer(id: string, toItem: string, reason: string) {
    upsert(await api.transferTicket(id, toItem, reason))
  }

  /** start begins polling and the seconds tick; every start needs a stop. */
  function start() {
    users++
    if (users > 1) return
    void refresh()
    poll = setInterval(() => void refresh(), QUEUE_POLL_MS)
    tick = setInterval(() => (now.value = Date.now()), 1000)
  }

  function stop() {
    users = Math.max(0, users - 1)
    if (users > 0) return
    if (poll) clearInterval(poll)
    if (tick) clearInterval(tick)
    poll = tick = null
  }

  return {
    tickets,
    loading,
    error,
    windowNo,
    now,
    waiting,
    serving,
    finished,
    waitSecs,
    transferCount,
    setWindow,
    announce,
    refresh,
    issue,
    callNext,
    finish,
    transfer,
    start,
    stop,
  }
})
