import type { CaseMaterial } from '../api/types'

/** How a material was collected (domain/case.go). */
export type Collection = 'paper' | 'scan' | 'e_license' | 'rongque' | 'commitment' | 'missing'

/** Catalog necessity values as the hall publishes them. */
export const NECESSITY = { required: '必要', rongque: '容缺', optional: '非必要' } as const

/** necessityKey maps the catalog's necessity text to an i18n key suffix. */
export function necessityKey(required: string): 'required' | 'rongque' | 'optional' {
  if (required === NECESSITY.rongque) return 'rongque'
  if (required === NECESSITY.optional) return 'optional'
  return 'required'
}

/** isImmediate reports whether an item kind is 即办件 (done on the spot). */
export function isImmediate(kind: string): boolean {
  return kind === '即办件'
}

/** What an item allows beyond paper and scans. */
export interface ItemAllowances {
  allows_rongque: boolean
  allows_commitment: boolean
}

/**
 * collectionOptions lists the ways a material may be collected, in the order
 * the checklist shows them: e-licence only where the catalog says the
 * material has one, 容缺 only where the item allows it and the material is
 * not a required one, 告知承诺 only where the item allows it.
 */
export function collectionOptions(m: Pick<CaseMaterial, 'e_license' | 'required'>, item: ItemAllowances): Collection[] {
  const out: Collection[] = ['paper', 'scan']
  if (m.e_license) out.push('e_license')
  if (item.allows_rongque && m.required !== NECESSITY.required) out.push('rongque')
  if (item.allows_commitment) out.push('commitment')
  out.push('missing')
  return out
}

/** provided reports whether a material counts as in hand, waivers included. */
export function provided(m: Pick<CaseMaterial, 'collected'>): boolean {
  return m.collected !== '' && m.collected !== 'missing'
}

/** blocking reports whether a missing material stops acceptance. */
export function blocking(m: Pick<CaseMaterial, 'collected' | 'required'>): boolean {
  return !provided(m) && m.required === NECESSITY.required
}

/** waived reports whether the citizen did not have to bring this paper. */
export function waived(m: Pick<CaseMaterial, 'collected'>): boolean {
  return m.collected === 'e_license' || m.collected === 'rongque' || m.collected === 'commitment'
}

/** ChecklistSummary is what the checklist tells the clerk at a glance. */
export interface ChecklistSummary {
  total: number
  provided: number
  /** Not in hand (any necessity). */
  missing: number
  /** Missing and required: acceptance must wait (or a correction notice goes out). */
  blocking: number
  /** Papers the citizen was spared: e-licence, 容缺, 告知承诺 ("本次少交 N 份材料"). */
  waived: number
  missingNames: string[]
  /** Missing and not 非必要: what a one-time notice asks the applicant to bring (domain.Case Owed). */
  owedNames: string[]
  blockingNames: string[]
}

/** summarize counts a checklist the same way the backend does (domain.Case Missing/Waived). */
export function summarize(materials: readonly CaseMaterial[]): ChecklistSummary {
  const s: ChecklistSummary = { total: materials.length, provided: 0, missing: 0, blocking: 0, waived: 0, missingNames: [], owedNames: [], blockingNames: [] }
  for (const m of materials) {
    if (provided(m)) s.provided++
    else {
      s.missing++
      s.missingNames.push(m.name)
      if (m.required !== NECESSITY.optional) s.owedNames.push(m.name)
    }
    if (blocking(m)) {
      s.blocking++
      s.blockingNames.push(m.name)
    }
    if (waived(m)) s.waived++
  }
  return s
}
