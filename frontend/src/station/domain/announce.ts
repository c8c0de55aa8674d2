/**
 * What the waiting room hears and sees when a number is called. The
 * announcement is always Chinese, whatever the interface language: it is for
 * the citizens waiting, not for the clerk.
 */

/** windowNumber reduces what a clerk typed ("2", "2号", "2 号窗口") to the window's number or name. */
export function windowNumber(typed: string): string {
  return typed
    .trim()
    .replace(/\s+/g, '')
    .replace(/号?窗口$/, '')
    .replace(/号$/, '')
}

/** callText is the sentence spoken and shown for a call: "请 A003 号到 2 号窗口办理". */
export function callText(number: string, window: string): string {
  const w = windowNumber(window)
  return `请 ${number} 号到 ${w} 号窗口办理`
}
