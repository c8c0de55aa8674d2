import { describe, expect, it } from 'vitest'
import enUS from './en-US.json'
import zhCN from './zh-CN.json'

type Messages = { [key: string]: string | Messages }

/** flatten returns "a.b.c" → message for every leaf. */
function flatten(m: Messages, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(m)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out.set(key, v)
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv)
  }
  return out
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
const zh = flatten(zhCN)
const en = flatten(enUS)

describe('console locales', () => {
  it('have the same keys', () => {
    expect([...zh.keys()].filter((k) => !en.has(k))).toEqual([])
    expect([...en.keys()].filter((k) => !zh.has(k))).toEqual([])
  })

  it('have no empty messages', () => {
    for (const m of [zh, en]) expect([...m].filter(([, v]) => v.trim() === '').map(([k]) => k)).toEqual([])
  })

  it('use the same placeholders', () => {
    const diff = [...zh].filter(([k, v]) => placeholders(v).join() !== placeholders(en.get(k) ?? '').join()).map(([k]) => k)
    expect(diff).toEqual([])
  })

  it('have no Chinese left in English messages but for the glossed terms', () => {
    const allowed = /容缺|即办件|承诺件|中文/
    const han = [...en].filter(([, v]) => /\p{Script=Han}/u.test(v.replace(allowed, '').replace(allowed, ''))).map(([k]) => k)
    expect(han).toEqual([])
  })
})
