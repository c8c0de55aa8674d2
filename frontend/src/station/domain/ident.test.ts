import { describe, expect, it } from 'vitest'
import { ageOn, checkResidentID, checkUSCC, normaliseID, phoneLooksValid, residentCheckChar } from './ident'

const today = new Date(2026, 10, 27)

describe('checkResidentID', () => {
  it('accepts the domain examples', () => {
    expect(checkResidentID('11010519491231002X', today)).toMatchObject({ ok: true, birth: '1949-12-31', sex: 'female' })
    expect(checkResidentID('110105195001010039', today)).toMatchObject({ ok: true, birth: '1950-01-01', sex: 'male' })
  })

  it('refuses a wrong check character and says which one fits', () => {
    expect(checkResidentID('110105194912310021', today)).toMatchObject({ ok: false, problem: 'checksum', expected: 'X' })
  })

  it('computes the GB 11643 check character', () => {
    expect(residentCheckChar('11010519491231002')).toBe('X')
    expect(residentCheckChar('11010519500101003')).toBe('9')
  })

  it('accepts a lower-case x, spaces and full-width digits', () => {
    expect(checkResidentID('110105 19491231 002x', today)).toMatchObject({ ok: true, number: '11010519491231002X' })
    expect(normaliseID('１１０１０５')).toBe('110105')
  })

  it('names the problem', () => {
    expect(checkResidentID('', today).problem).toBe('empty')
    expect(checkResidentID('1101051949123100', today).problem).toBe('length')
    expect(checkResidentID('11010519491231X02X', today).problem).toBe('chars')
    expect(checkResidentID('110105194902300021', today).problem).toBe('date')
    expect(checkResidentID('110105203001010011', today).problem).toBe('future')
  })

  it('computes the age on a day', () => {
    expect(ageOn('1949-12-31', today)).toBe(76)
    expect(ageOn('2000-11-28', today)).toBe(25)
    expect(ageOn('2000-11-27', today)).toBe(26)
  })
})

describe('checkUSCC', () => {
  it('accepts the domain example', () => {
    expect(checkUSCC('91350100M000100Y43')).toEqual({ code: '91350100M000100Y43', ok: true })
  })

  it('refuses a changed check character, an old number and letters not in the alphabet', () => {
    expect(checkUSCC('91350100M000100Y44').problem).toBe('checksum')
    expect(checkUSCC('350100400012345').problem).toBe('legacy')
    expect(checkUSCC('91350100M000100YO3').problem).toBe('chars')
  })

  it('checks the organisation code inside', () => {
    // Characters 9–17 changed and the credit code's own check recomputed:
    // only the organisation code check catches it.
    expect(checkUSCC('91350100M000101Y4Q').problem).toBe('orgcode')
  })
})

describe('phoneLooksValid', () => {
  it('accepts mobiles and landlines with an area code', () => {
    expect(phoneLooksValid('13800138000')).toBe(true)
    expect(phoneLooksValid('+86 138 0013 8000')).toBe(true)
    expect(phoneLooksValid('0531-88886666')).toBe(true)
  })

  it('refuses short numbers and landlines without area code', () => {
    expect(phoneLooksValid('1380013800')).toBe(false)
    expect(phoneLooksValid('88886666')).toBe(false)
    expect(phoneLooksValid('12800138000')).toBe(false)
  })
})
