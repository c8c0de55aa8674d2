import { onBeforeUnmount, onMounted, watch, type Ref } from 'vue'

/** The events that count as someone at the computer. */
const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const

/**
 * useIdle calls onIdle once after `seconds` without keyboard, mouse or touch
 * activity; any activity starts the count again. seconds ≤ 0 disables it.
 * It checks every second, so a computer waking from sleep fires at once.
 */
export function useIdle(seconds: Ref<number>, onIdle: () => void) {
  let last = Date.now()
  let fired = false
  let timer: ReturnType<typeof setInterval> | null = null

  function activity() {
    last = Date.now()
    fired = false
  }

  function check() {
    if (seconds.value <= 0 || fired) return
    if (Date.now() - last >= seconds.value * 1000) {
      fired = true
      onIdle()
    }
  }

  onMounted(() => {
    for (const e of ACTIVITY) window.addEventListener(e, activity, { passive: true, capture: true })
    timer = setInterval(check, 1000)
  })
  onBeforeUnmount(() => {
    for (const e of ACTIVITY) window.removeEventListener(e, activity, { capture: true })
    if (timer) clearInterval(timer)
  })
  watch(seconds, activity)

  return { reset: activity }
}
