import { call } from './transport'
import type { EvaluationInput, Progress, Ticket } from './types'

/** kioskIssueTicket takes a queue number at the self-service kiosk (no sign-in). */
export function kioskIssueTicket(itemCode: string): Promise<Ticket> {
  return call<Ticket>('KioskIssueTicket', itemCode)
}

/** kioskProgress answers "where is my case" for a case number and query password. */
export function kioskProgress(number: string, password: string): Promise<Progress> {
  return call<Progress>('KioskProgress', number, password)
}

/** kioskEvaluate records a rating given at the kiosk. */
export function kioskEvaluate(input: EvaluationInput): Promise<string> {
  return call<string>('KioskEvaluate', input)
}
