import { formatDateTime } from '@shared/time'
import type { Ticket } from '../api/types'
import { i18n } from '../i18n'

/** Documents for citizens are printed in Chinese whatever the interface language. */
const zh = (key: string, named: Record<string, unknown> = {}) => i18n.global.t(key, named, { locale: 'zh-CN' })

/** SlipPaper is the width of a thermal roll, in millimetres. */
export type SlipPaper = '58' | '80'

/** SlipFacts is what a queue ticket shows besides the ticket itself. */
export interface SlipFacts {
  station: string
  item: string
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/**
 * ticketSlipHTML is a queue ticket for a 58 or 80 mm thermal printer: the
 * station, the number in large type, the item, how many are ahead, the time
 * (in the station's zone) and what to do. It is always Chinese: it is for the
 * citizen.
 */
export function ticketSlipHTML(t: Ticket, facts: SlipFacts, paper: SlipPaper): string {
  const width = paper === '58' ? 58 : 80
  const big = paper === '58' ? 20 : 26
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(t.number)}</title><style>
@page { size: ${width}mm 100mm; margin: 0; }
html, body { margin: 0; padding: 0; }
body { width: ${width - 6}mm; padding: 3mm; font-family: 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif; color: #000; text-align: center; }
.station { font-size: 4mm; font-weight: 700; }
.number { font-size: ${big}mm; font-weight: 900; line-height: 1.1; margin: 2mm 0; letter-spacing: 1mm; }
.item { font-size: 3.6mm; margin-bottom: 2mm; }
.ahead { font-size: 4mm; font-weight: 700; }
.time, .hint { font-size: 3.2mm; margin-top: 1.5mm; }
hr { border: 0; border-top: 0.3mm dashed #000; margin: 2mm 0; }
</style></head><body>
<div class="station">${esc(facts.station)}</div>
<hr>
<div class="number" data-test="slip-number">${esc(t.number)}</div>
<div class="item">${esc(facts.item || zh('print.slip.anyItem'))}</div>
<div class="ahead">${esc(zh('print.slip.ahead', { n: t.ahead ?? 0 }))}</div>
<div class="time">${esc(zh('print.slip.time', { time: formatDateTime(t.issued_at) }))}</div>
<hr>
<div class="hint">${esc(zh('print.slip.hint'))}</div>
</body></html>`
}

/**
 * printTicketSlip prints a queue ticket through a hidden frame, so the page
 * on screen is untouched; the thermal printer is the system's default
 * printer (or the one chosen in the print dialog).
 */
export function printTicketSlip(t: Ticket, facts: SlipFacts, paper: SlipPaper): void {
  const frame = document.createElement('iframe')
  frame.setAttribute('aria-hidden', 'true')
  frame.style.cssText = 'position:fixed;right:0;bottom:0;width:0;height:0;border:0;'
  document.body.appendChild(frame)
  const doc = frame.contentDocument
  if (!doc || !frame.contentWindow) {
    frame.remove()
    return
  }
  doc.open()
  doc.write(ticketSlipHTML(t, facts, paper))
  doc.close()
  const win = frame.contentWindow
  setTimeout(() => {
    try {
      win.focus()
      win.print()
    } finally {
      setTimeout(() => frame.remove(), 1000)
    }
  }, 50)
}
