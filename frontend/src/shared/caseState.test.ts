import { describe, expect, it } from 'vitest'
import { reasonApplies, STATES } from './caseState'

describe('reasonApplies', () => {
  it.each([
    [{ state: 'correction', reason: '申请材料不齐全' }, true],
    [{ state: 'not_accepted', reason: '不属于受理范围' }, true],
    [{ state: 'suspended', reason: '现场核查' }, true],
    // The stale reason a correction left on accepted cases before issue 18.
    [{ state: 'accepted', reason: '申请材料不齐全' }, false],
    [{ state: 'received', reason: '申请材料不齐全' }, false],
    [{ state: 'concluded', result: 'approved', reason: '申请材料不齐全' }, false],
    [{ state: 'delivered', result: 'refused', reason: '不符合条件' }, true],
    [{ state: 'correction', reason: '' }, false],
  ])('%o → %s', (c, want) => {
    expect(reasonApplies(c)).toBe(want)
  })

  it('lists no rating among the states: a rating is not a step', () => {
    expect(STATES as readonly string[]).not.toContain('evaluated')
  })
})
