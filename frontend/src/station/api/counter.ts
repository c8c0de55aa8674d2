import { call } from './transport'
import type { Dashboard, EvaluationInput, RatingInvite, Rectification, Ticket } from './types'

/** issueTicket takes a queue number, optionally for an item. */
export function issueTicket(itemCode: string): Promise<Ticket> {
  return call('IssueTicket', itemCode)
}

/** callNext calls the longest-waiting number to a window. */
export function callNext(window: string): Promise<Ticket> {
  return call('CallNext', window)
}

/** finishTicket ends service of a ticket; absent when the person did not come. */
export function finishTicket(id: string, absent: boolean): Promise<Ticket> {
  return call('FinishTicket', id, absent)
}

/** transferTicket sends a ticket back to the queue for another item. */
export function transferTicket(id: string, toItem: string, reason: string): Promise<Ticket> {
  return call('TransferTicket', id, toItem, reason)
}

/** queue lists today's tickets, the ones being served and waiting first. */
export async function queue(): Promise<Ticket[]> {
  return (await call('Queue')) ?? []
}

/** evaluate records a 好差评 rating at the counter. */
export function evaluate(input: EvaluationInput): Promise<string> {
  return call('Evaluate', input)
}

/** rectifications lists bad-review follow-ups; only open ones unless all. */
export async function rectifications(all: boolean): Promise<Rectification[]> {
  return (await call('Rectifications', all)) ?? []
}

/** dashboard returns the station's figures. */
export function dashboard(): Promise<Dashboard> {
  return call('Dashboard')
}

/** changeMark changes whenever a case, ticket or rating is recorded or pulled. */
export function changeMark(): Promise<string> {
  return call('ChangeMark')
}

/** inviteRating offers the citizen just served a rating on this window's pad. */
export function inviteRating(window: string, ticketID: string, caseID: string): Promise<RatingInvite> {
  return call('InviteRating', window, ticketID, caseID)
}
