/**
 * Receipt QR codes. A printed notice carries
 *   YZ1|kind|number|station|date[|signature]
 * (the signature is absent before the station enrols with the hall). The
 * kiosk reads the case number from it; the query password is never in it.
 */

/** ReceiptClaim is what a receipt QR code says. */
export interface ReceiptClaim {
  kind: string
  number: string
  station: string
  date: string
  signed: boolean
}

/**
 * parseReceiptQR reads a scanned QR text, or returns null when it is not one
 * of ours. Scanners in keyboard mode may add spaces or a trailing newline,
 * and some type "｜" (full-width) for "|".
 */
export function parseReceiptQR(text: string): ReceiptClaim | null {
  const parts = text.trim().replace(/｜/g, '|').split('|').map((p) => p.trim())
  if (parts.length < 5 || parts[0].toUpperCase() !== 'YZ1') return null
  const [, kind, number, station, date] = parts
  if (!/^[A-Za-z0-9-]+$/.test(number) || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return null
  return { kind, number, station, date, signed: parts.length > 5 && parts[5] !== '' }
}

/** caseNumberFrom takes what was typed or scanned and returns the case number in it. */
export function caseNumberFrom(input: string): string {
  const claim = parseReceiptQR(input)
  return claim ? claim.number : input.trim()
}
