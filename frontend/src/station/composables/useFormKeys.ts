/**
 * Keyboard flow for counter forms: Enter moves to the next field (ID-card
 * readers type the number and then Enter, so the reader fills one field and
 * the cursor moves on), Enter in the last field submits, and Esc goes back.
 */

const FIELD_SELECTOR = 'input:not([type=hidden]):not([type=radio]):not([disabled]):not([readonly]), textarea:not([disabled])'

/** focusables lists the form's input fields in document order, skipping hidden ones. */
function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FIELD_SELECTOR)].filter(
    (el) => el.offsetParent !== null || el.getClientRects().length > 0 || document.activeElement === el,
  )
}

/**
 * handleEnter moves focus from the event's field to the next one in root and
 * returns true, or returns false when the field was the last one (the caller
 * then submits). Textareas keep their Enter; selects and pickers that have a
 * popup open are left alone.
 */
export function handleEnter(root: HTMLElement, e: KeyboardEvent): boolean {
  const target = e.target as HTMLElement | null
  if (!target || target.tagName === 'TEXTAREA' || e.isComposing) return true
  if (target.getAttribute('aria-expanded') === 'true') return true
  const list = focusables(root)
  const i = list.indexOf(target)
  if (i < 0 || i === list.length - 1) return false
  e.preventDefault()
  list[i + 1].focus()
  return true
}
