import { call } from './transport'
import type { Evaluation, ItemSummary, KioskQuery, KioskRatingInput, Progress, QueueBoard, RatingInvite, Ticket } from './types'

/** kioskIssueTicket takes a queue number at the self-service kiosk (no sign-in). */
export function kioskIssueTicket(itemCode: string): Promise<Ticket> {
  return call('KioskIssueTicket', itemCode)
}

/**
 * kioskProgress answers "where is my case": for a scanned signed receipt QR
 * code, or a case number (full or short) with its query password.
 */
export function kioskProgress(q: KioskQuery): Promise<Progress> {
  return call('KioskProgress', q)
}

/** kioskEvaluate records a rating given at the kiosk, tied to a case or today's ticket. */
export function kioskEvaluate(input: KioskRatingInput): Promise<string> {
  return call('KioskEvaluate', input)
}

/** kioskItems lists every item the station takes in, those decided at the hall too. */
export async function kioskItems(): Promise<ItemSummary[]> {
  return (await call('KioskItems')) ?? []
}

/** kioskQueueBoard is the waiting-room display's board (no sign-in): calls and next numbers. */
export function kioskQueueBoard(): Promise<QueueBoard> {
  return call('KioskQueueBoard')
}

/** kioskPadInvitation is the rating pad's question: its window's open invitation, or null. */
export function kioskPadInvitation(window: string): Promise<RatingInvite | null> {
  return call('KioskPadInvitation', window)
}

/** kioskPadEvaluate records the rating given on the pad for an open invitation. */
export function kioskPadEvaluate(inviteID: string, ev: Evaluation, contact: string): Promise<string> {
  return call('KioskPadEvaluate', inviteID, ev, contact)
}
