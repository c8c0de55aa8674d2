import type { Case } from './api/types'

/** The notices the hall prints for the applicant, by what happened to the case. */
export type NoticeKind = 'accept' | 'correction' | 'suspend' | 'approve' | 'refuse' | 'return'

/** noticeKinds returns the notices that fit a case as it stands now. */
export function noticeKinds(c: Case): NoticeKind[] {
  const out: NoticeKind[] = []
  if (c.accepted_at && c.state !== 'forwarded') out.push('accept')
  if (c.state === 'correction' && c.correction_list?.length) out.push('correction')
  if (c.state === 'suspended' || (c.pauses ?? []).some((p) => p.reason !== 'correction')) out.push('suspend')
  if (c.result === 'approved') out.push('approve')
  if (c.result === 'refused') out.push('refuse')
  if (c.result === 'returned') out.push('return')
  return out
}
