import { describe, expect, it } from 'vitest'
import { areas, enUS, zhCN } from './index'

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

  it('splits areas the same way in both languages, and no area overrides another', () => {
    expect(Object.keys(areas['en-US'])).toEqual(Object.keys(areas['zh-CN']))
    for (const [lang, files] of Object.entries(areas)) {
      const seen = new Map<string, string>()
      for (const [area, messages] of Object.entries(files)) {
        for (const top of Object.keys(messages)) {
          expect(seen.get(top), `${lang}: "${top}" in ${area} and ${seen.get(top)}`).toBeUndefined()
          seen.set(top, area)
        }
      }
      for (const [area, messages] of Object.entries(files)) {
        const other = (areas[lang === 'zh-CN' ? 'en-US' : 'zh-CN'] as Record<string, object>)[area]
        expect(Object.keys(messages).sort(), `${lang}/${area}`).toEqual(Object.keys(other).sort())
      }
    }
  })
})

// Templates must take visible text from the locale files. Chinese is what
// slips in most easily, so no template may contain CJK characters, except
// the logo glyph, which is the brand and not text.
// The hall console (src/console) is a separate app with its own locales and checks.
const templates = import.meta.glob(['../**/*.vue', '../../shared/**/*.vue'], { query: '?raw', import: 'default', eager: true }) as Record<
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

// Every literal key the code asks for must exist (keys built at run time,
// like `states.${s}`, are checked where they are built).
const sources = import.meta.glob(['../**/*.vue', '../**/*.ts', '!../**/*.test.ts', '!../api/wailsjs/**'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>

describe('keys used in code', () => {
  it('all exist in zh-CN', () => {
    const missing: string[] = []
    for (const [file, source] of Object.entries(sources)) {
      for (const m of source.matchAll(/\b(?:t|te)\(\s*'([A-Za-z0-9_.-]+)'/g)) {
        if (!locales['zh-CN'].has(m[1]) && ![...locales['zh-CN'].keys()].some((k) => k.startsWith(`${m[1]}.`))) missing.push(`${file}: ${m[1]}`)
      }
    }
    expect(missing).toEqual([])
  })
})
