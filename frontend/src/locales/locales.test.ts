import { describe, expect, it } from 'vitest'
import enUS from './en-US.json'
import zhCN from './zh-CN.json'

type Messages = { [key: string]: string | Messages }

/** flatten returns "a.b.c" → message for every leaf of a locale file. */
function flatten(m: Messages, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(m)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out.set(key, v)
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv)
  }
  return out
}

/** placeholders returns the sorted {named} placeholders of a message. */
function placeholders(s: string): string[] {
  return [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
}

const locales: Record<string, Map<string, string>> = {
  'zh-CN': flatten(zhCN),
  'en-US': flatten(enUS),
}

describe('locales', () => {
  for (const [name, other] of [
    ['zh-CN', 'en-US'],
    ['en-US', 'zh-CN'],
  ]) {
    it(`every ${name} key exists in ${other}`, () => {
      const missing = [...locales[name].keys()].filter((k) => !locales[other].has(k))
      expect(missing).toEqual([])
    })
  }

  it('has no empty messages', () => {
    for (const [name, messages] of Object.entries(locales)) {
      const empty = [...messages].filter(([, v]) => v.trim() === '').map(([k]) => `${name}:${k}`)
      expect(empty).toEqual([])
    }
  })

  it('uses the same placeholders in both languages', () => {
    for (const [key, zh] of locales['zh-CN']) {
      const en = locales['en-US'].get(key)
      if (en === undefined) continue
      expect(placeholders(en), key).toEqual(placeholders(zh))
    }
  })
})

// Templates must take visible text from the locale files. Chinese is what
// slips in most easily, so no template may contain CJK characters, except
// the logo glyph, which is the brand and not text.
const templates = import.meta.glob('../**/*.vue', { query: '?raw', import: 'default', eager: true }) as Record<
  string,
  string
>
const allowedGlyphs = new Set(['驿'])

describe('templates', () => {
  it('found the components', () => {
    expect(Object.keys(templates).length).toBeGreaterThan(5)
  })

  it('contain no hard-coded Chinese', () => {
    const offenders: string[] = []
    for (const [file, source] of Object.entries(templates)) {
      const template = source.match(/<template>([\s\S]*)<\/template>/)?.[1] ?? ''
      const withoutComments = template.replace(/<!--[\s\S]*?-->/g, '')
      for (const m of withoutComments.matchAll(/[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]+/g)) {
        if (![...m[0]].every((c) => allowedGlyphs.has(c))) offenders.push(`${file}: ${m[0]}`)
      }
    }
    expect(offenders).toEqual([])
  })
})
