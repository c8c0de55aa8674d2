import type { DocumentKind } from '../api/cases'

/** Channels a case can come in through. */
export const CHANNELS = ['window', 'village', 'postal', 'home', 'online'] as const

/** Conclusion results a clerk can choose (correction_timeout is its own step). */
export const RESULTS = ['approved', 'refused', 'returned', 'voided'] as const

/** Element Plus tag type for a state: colour says "act", "wait" or "done". */
export function stateTagType(state: string): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  switch (state) {
    case 'received':
    case 'accepted':
    case 'in_process':
      return 'primary'
    case 'correction':
    case 'suspended':
    case 'delivering':
      return 'warning'
    case 'not_accepted':
      return 'danger'
    case 'concluded':
    case 'delivered':
    case 'evaluated':
      return 'success'
  }
  return 'info'
}

/**
 * documentsFor lists the notices that make sense to print in a state, the
 * most useful first. The receipt (收件凭证, with the query password) can be
 * printed again at any time.
 */
export function documentsFor(state: string): DocumentKind[] {
  switch (state) {
    case 'received':
      return ['receipt']
    case 'correction':
      return ['correction', 'receipt']
    case 'not_accepted':
      return ['not_accept', 'receipt']
    case 'forwarded':
      // The paper materials travel with the case: their 移交清单 first.
      return ['transfer', 'accept', 'receipt']
    case 'accepted':
    case 'in_process':
    case 'suspended':
      return ['accept', 'receipt']
    case 'concluded':
      return ['conclusion', 'receipt']
    case 'delivering':
    case 'delivered':
    case 'evaluated':
      return ['delivery', 'conclusion', 'receipt']
  }
  return ['receipt']
}

/** defaultChannel picks the channel a station usually takes cases through, from its kind. */
export function defaultChannel(stationKind: string): (typeof CHANNELS)[number] {
  switch (stationKind) {
    case 'village':
      return 'village'
    case 'postal':
      return 'postal'
    case 'helper':
      return 'home'
  }
  return 'window'
}
