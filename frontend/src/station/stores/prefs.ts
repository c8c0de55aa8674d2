import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { i18n, isLocale, type Locale } from '../i18n'

/** localStorage keys; prefs belong to this computer, not to a staff member. */
const LOCALE_KEY = 'yizhan.locale'
const LARGE_FONT_KEY = 'yizhan.largeFont'
const IDLE_KEY = 'yizhan.idleLockMinutes'
const KIOSK_KEY = 'yizhan.kioskOnStart'
const VOLUME_KEY = 'yizhan.callVolume'
const SLIP_KEY = 'yizhan.ticketSlip'

/** The thermal paper a queue ticket is printed on, or off. */
export type TicketSlip = 'off' | '58' | '80'

/** The class on <html> that raises --yz-scale (see styles/theme.css). */
export const LARGE_FONT_CLASS = 'yz-large-font'

/** The idle time before the screen locks unless changed in settings. */
export const DEFAULT_IDLE_MINUTES = 5

function readLocale(): Locale {
  const stored = localStorage.getItem(LOCALE_KEY)
  return isLocale(stored) ? stored : 'zh-CN'
}

function readVolume(): number {
  const n = Number(localStorage.getItem(VOLUME_KEY) ?? 80)
  return Number.isFinite(n) && n >= 0 && n <= 100 ? n : 80
}

function readSlip(): TicketSlip {
  const v = localStorage.getItem(SLIP_KEY)
  return v === '58' || v === '80' ? v : 'off'
}

function readIdleMinutes(): number {
  const n = Number(localStorage.getItem(IDLE_KEY) ?? DEFAULT_IDLE_MINUTES)
  return Number.isFinite(n) && n >= 0 && n <= 120 ? n : DEFAULT_IDLE_MINUTES
}

/**
 * usePrefsStore keeps this computer's preferences: the interface language,
 * the large-font mode, the idle time before the screen locks (0 = never) and
 * whether the app starts as a self-service kiosk, the volume of the spoken
 * call (0 = silent) and the thermal paper queue tickets print on. They persist in
 * localStorage; language and font are applied to vue-i18n and <html>.
 */
export const usePrefsStore = defineStore('prefs', () => {
  const locale = ref<Locale>(readLocale())
  const largeFont = ref(localStorage.getItem(LARGE_FONT_KEY) === '1')
  const idleMinutes = ref(readIdleMinutes())
  const kioskOnStart = ref(localStorage.getItem(KIOSK_KEY) === '1')
  const callVolume = ref(readVolume())
  const ticketSlip = ref<TicketSlip>(readSlip())

  watch(
    locale,
    (l) => {
      i18n.global.locale.value = l
      document.documentElement.lang = l
      localStorage.setItem(LOCALE_KEY, l)
    },
    { immediate: true },
  )

  watch(
    largeFont,
    (on) => {
      document.documentElement.classList.toggle(LARGE_FONT_CLASS, on)
      localStorage.setItem(LARGE_FONT_KEY, on ? '1' : '0')
    },
    { immediate: true },
  )

  function setLocale(l: Locale) {
    locale.value = l
  }

  function setLargeFont(on: boolean) {
    largeFont.value = on
  }

  function setIdleMinutes(n: number) {
    idleMinutes.value = Math.max(0, Math.min(120, Math.round(n)))
    localStorage.setItem(IDLE_KEY, String(idleMinutes.value))
  }

  function setKioskOnStart(on: boolean) {
    kioskOnStart.value = on
    localStorage.setItem(KIOSK_KEY, on ? '1' : '0')
  }

  /** setCallVolume sets the spoken call's volume in percent (0 = silent). */
  function setCallVolume(n: number) {
    callVolume.value = Math.max(0, Math.min(100, Math.round(n)))
    localStorage.setItem(VOLUME_KEY, String(callVolume.value))
  }

  function setTicketSlip(v: TicketSlip) {
    ticketSlip.value = v
    localStorage.setItem(SLIP_KEY, v)
  }

  return {
    locale,
    largeFont,
    idleMinutes,
    kioskOnStart,
    callVolume,
    ticketSlip,
    setLocale,
    setLargeFont,
    setIdleMinutes,
    setKioskOnStart,
    setCallVolume,
    setTicketSlip,
  }
})
