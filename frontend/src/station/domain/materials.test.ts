import { describe, expect, it } from 'vitest'
import type { CaseMaterial } from '../api/types'
import { collectionOptions, summarize } from './materials'

function m(code: string, required: string, collected: string, eLicense = false): CaseMaterial {
  return { code, name: `材料${code}`, required, e_license: eLicense, originals: 1, copies: 0, collected }
}

describe('summarize', () => {
  it('counts missing, blocking and waived papers as the backend does', () => {
    const s = summarize([
      m('M1', '必要', 'paper'),
      m('M2', '必要', 'e_license', true),
      m('M3', '容缺', 'rongque'),
      m('M4', '必要', 'missing'),
      m('M5', '非必要', 'missing'),
      m('M6', '必要', 'commitment'),
      m('M7', '必要', 'scan'),
    ])
    expect(s).toMatchObject({ total: 7, provided: 5, missing: 2, blocking: 1, waived: 3 })
    expect(s.missingNames).toEqual(['材料M4', '材料M5'])
    // The one-time notice asks only for what is owed: never a 非必要 paper.
    expect(s.owedNames).toEqual(['材料M4'])
    expect(s.blockingNames).toEqual(['材料M4'])
  })

  it('treats an empty collection as missing', () => {
    expect(summarize([m('M1', '必要', '')])).toMatchObject({ missing: 1, blocking: 1, waived: 0 })
  })
})

describe('collectionOptions', () => {
  const none = { allows_rongque: false, allows_commitment: false }
  it('offers the e-licence only where the material has one', () => {
    expect(collectionOptions(m('M1', '必要', '', true), none)).toEqual(['paper', 'scan', 'e_license', 'missing'])
    expect(collectionOptions(m('M1', '必要', ''), none)).toEqual(['paper', 'scan', 'missing'])
  })

  it('offers 容缺 only where the item allows it and the material is not required', () => {
    const rq = { allows_rongque: true, allows_commitment: false }
    expect(collectionOptions(m('M1', '容缺', ''), rq)).toContain('rongque')
    expect(collectionOptions(m('M1', '必要', ''), rq)).not.toContain('rongque')
    expect(collectionOptions(m('M1', '容缺', ''), none)).not.toContain('rongque')
  })

  it('offers 告知承诺 where the item allows it', () => {
    expect(collectionOptions(m('M1', '必要', ''), { allows_rongque: false, allows_commitment: true })).toContain('commitment')
  })
})
