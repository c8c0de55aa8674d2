/**
 * Instant client-side checks of identity numbers, so a clerk sees a typo the
 * moment the last character is typed. The backend (CheckIntake) stays the
 * authority; these checks only mirror its arithmetic (shared/domain.md,
 * "Validation") and never decide alone.
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'

/** Why a resident ID number was refused on this side. */
export type IDProblem = 'empty' | 'length' | 'chars' | 'date' | 'future' | 'checksum'

/** ResidentIDCheck is the result of checking a resident ID number. */
export interface ResidentIDCheck {
  /** The number with spaces removed and x upper-cased. */
  number: string
  ok: boolean
  problem?: IDProblem
  /** The check character the first 17 digits call for, when they are digits. */
  expected?: string
  /** YYYY-MM-DD from characters 7–14, when it is a real date. */
  birth?: string
  sex?: 'male' | 'female'
}

/** normaliseID removes spaces and folds full-width characters and a lower-case x. */
export function normaliseID(s: string): string {
  return s
    .replace(/[\uff10-\uff19\uff38\uff58]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, '')
    .toUpperCase()
}

/** residentCheckChar returns the GB 11643 check character for 17 digits. */
export function residentCheckChar(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]
  return ID_CHECK[sum % 11]
}

function realDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d
}

/**
 * checkResidentID checks an 18-character resident ID (GB 11643): digits with
 * a digit or X last, a real birth date not in the future, and the check
 * character. today is injected for tests.
 */
export function checkResidentID(input: string, today: Date = new Date()): ResidentIDCheck {
  const number = normaliseID(input)
  const out: ResidentIDCheck = { number, ok: false }
  if (number === '') return { ...out, problem: 'empty' }
  if (number.length !== 18) return { ...out, problem: 'length' }
  if (!/^\d{17}[\dX]$/.test(number)) return { ...out, problem: 'chars' }
  out.expected = residentCheckChar(number)
  const y = Number(number.slice(6, 10))
  const m = Number(number.slice(10, 12))
  const d = Number(number.slice(12, 14))
  if (y < 1880 || !realDate(y, m, d)) return { ...out, problem: 'date' }
  out.birth = `${number.slice(6, 10)}-${number.slice(10, 12)}-${number.slice(12, 14)}`
  const todayUTC = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate())
  if (Date.UTC(y, m - 1, d) > todayUTC) return { ...out, problem: 'future' }
  out.sex = Number(number[16]) % 2 === 1 ? 'male' : 'female'
  if (number[17] !== out.expected) return { ...out, problem: 'checksum' }
  return { ...out, ok: true }
}

/** ageOn returns the age in whole years on a day, from a YYYY-MM-DD birth date. */
export function ageOn(birth: string, today: Date = new Date()): number {
  const [y, m, d] = birth.split('-').map(Number)
  let age = today.getFullYear() - y
  if (today.getMonth() + 1 < m || (today.getMonth() + 1 === m && today.getDate() < d)) age--
  return age
}

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]

/** Why a unified social credit code was refused on this side. */
export type USCCProblem = 'empty' | 'legacy' | 'length' | 'chars' | 'checksum' | 'orgcode'

/** checkUSCC checks a unified social credit code (GB 32100, with its GB 11714 organisation code). */
export function checkUSCC(input: string): { code: string; ok: boolean; problem?: USCCProblem } {
  const code = normaliseID(input)
  if (code === '') return { code, ok: false, problem: 'empty' }
  if (/^\d{15}$/.test(code)) return { code, ok: false, problem: 'legacy' }
  if (code.length !== 18) return { code, ok: false, problem: 'length' }
  let sum = 0
  for (let i = 0; i < 18; i++) {
    const v = USCC_ALPHABET.indexOf(code[i])
    if (v < 0) return { code, ok: false, problem: 'chars' }
    if (i < 17) sum += v * USCC_WEIGHTS[i]
  }
  // The outer mod 31 matters: a sum that is a multiple of 31 checks as 0.
  if (code[17] !== USCC_ALPHABET[(31 - (sum % 31)) % 31]) return { code, ok: false, problem: 'checksum' }
  if (!orgCodeValid(code.slice(8, 17))) return { code, ok: false, problem: 'orgcode' }
  return { code, ok: true }
}

function orgCodeValid(c: string): boolean {
  let sum = 0
  for (let i = 0; i < 8; i++) {
    const ch = c.charCodeAt(i)
    const v = ch >= 48 && ch <= 57 ? ch - 48 : ch >= 65 && ch <= 90 ? ch - 55 : -1
    if (v < 0) return false
    sum += v * ORG_WEIGHTS[i]
  }
  const r = 11 - (sum % 11)
  const want = r === 10 ? 'X' : r === 11 ? '0' : String(r)
  return c[8] === want
}

/**
 * phoneLooksValid accepts a mainland mobile number (1[3-9] and 9 more digits)
 * or a landline with its area code (0 + 9–11 digits), ignoring separators.
 */
export function phoneLooksValid(input: string): boolean {
  const d = input.replace(/[\s\-()]/g, '').replace(/^(\+?86|0086)(?=1\d{10}$)/, '')
  return /^1[3-9]\d{9}$/.test(d) || /^0[1-9]\d{8,10}$/.test(d)
}
