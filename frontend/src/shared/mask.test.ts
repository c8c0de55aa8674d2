import { describe, expect, it } from 'vitest'
import { maskID } from './mask'

// The MaskID rows of ident/mask_test.go: both sides must show an ID number
// the same way.
describe('maskID', () => {
  it.each([
    ['11010519491231002X', '110105********002X'],
    [' 110105195001010039 ', '110105********0039'],
    ['', ''],
    ['1', '*'],
    ['12', '1*'],
    ['1234', '1**4'],
    ['110105491231002', '1101********002'],
    ['11010519491231002', '1101*********1002'],
    ['一二三四', '一**四'],
  ])('%j → %j', (id, want) => {
    expect(maskID(id)).toBe(want)
  })
})
