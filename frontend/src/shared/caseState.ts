/**
 * The case rules both apps show, mirrored from the Go domain
 * (domain/state.go, domain.Case.ReasonApplies): the station lists and
 * filters by state, the hall console prints a case's reason by the same rule.
 */

/** Case states in lifecycle order (domain/state.go). */
export const STATES = [
  'received',
  'correction',
  'accepted',
  'not_accepted',
  'forwarded',
  'in_process',
  'suspended',
  'concluded',
  'delivering',
  'delivered',
] as const

/**
 * reasonApplies mirrors domain.Case.ReasonApplies: a case's reason is shown
 * only while it speaks for the state (the correction asked for, the refusal
 * to accept, the special procedure, a conclusion other than approval).
 * Cases folded before issue 18 kept a correction's reason after acceptance.
 */
export function reasonApplies(c: { state: string; result?: string; reason?: string }): boolean {
  if (!c.reason) return false
  switch (c.state) {
    case 'correction':
    case 'not_accepted':
    case 'suspended':
      return true
    case 'concluded':
    case 'delivering':
    case 'delivered':
    case 'evaluated':
      return !!c.result && c.result !== 'approved'
  }
  return false
}
