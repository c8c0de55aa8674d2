import { describe, expect, it } from 'vitest'
import { caseNumberFrom, parseReceiptQR } from './receiptQR'

describe('parseReceiptQR', () => {
  it('reads a signed receipt code', () => {
    expect(parseReceiptQR('YZ1|receipt|370112001-20261127-0042|370112001|2026-11-27|c2lnbmF0dXJl')).toEqual({
      kind: 'receipt',
      number: '370112001-20261127-0042',
      station: '370112001',
      date: '2026-11-27',
      signed: true,
    })
  })

  it('reads an unsigned one, with the spaces and newline a scanner adds', () => {
    expect(parseReceiptQR('  YZ1|accept|370112001-20261127-0001|370112001|2026-11-27\n')).toMatchObject({
      number: '370112001-20261127-0001',
      signed: false,
    })
  })

  it('accepts a full-width bar', () => {
    expect(parseReceiptQR('YZ1｜receipt｜A1-20261127-0001｜A1｜2026-11-27')?.number).toBe('A1-20261127-0001')
  })

  it('refuses what is not a receipt code', () => {
    expect(parseReceiptQR('370112001-20261127-0042')).toBeNull()
    expect(parseReceiptQR('YZ2|receipt|N|S|2026-11-27')).toBeNull()
    expect(parseReceiptQR('YZ1|receipt|N|S')).toBeNull()
    expect(parseReceiptQR('YZ1|receipt|bad number!|S|2026-11-27')).toBeNull()
    expect(parseReceiptQR('https://example.org/?YZ1|x')).toBeNull()
  })
})

describe('caseNumberFrom', () => {
  it('takes the number out of a scanned code, or the typed number as it is', () => {
    expect(caseNumberFrom('YZ1|receipt|370112001-20261127-0042|370112001|2026-11-27|sig')).toBe('370112001-20261127-0042')
    expect(caseNumberFrom(' 370112001-20261127-0042 ')).toBe('370112001-20261127-0042')
  })
})
