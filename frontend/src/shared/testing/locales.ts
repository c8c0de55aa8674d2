import { describe, expect, it } from 'vitest'

/**
 * The checks every app's strings must pass, for its locales test to call
 * (src/station/locales/locales.test.ts, src/console/locales/locales.test.ts):
 * both languages complete and alike, no hard-coded Chinese in a template,
 * and every key the code asks for present.
 */

export type Messages = { [key: string]: string | Messages }

/** flatten returns "a.b.c" → message for every leaf of a locale's messages. */
export function flatten(m: Messages, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(m)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out.set(key, v)
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv)
  }
  return out
}

/** placeholders returns the sorted {named} placeholders of a message. */
export function placeholders(s: string): string[] {
  return [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
}

/**
 * describeLocales checks that zh-CN and en-US have the same keys, no empty
 * message and the same placeholders in each message.
 */
export function describeLocales(zhCN: Messages, enUS: Messages) {
  const locales: Record<string, Map<string, string>> = { 'zh-CN': flatten(zhCN), 'en-US': flatten(enUS) }
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
}

/**
 * describeTemplates checks that no template (the raw .vue sources, from
 * import.meta.glob with ?raw) contains CJK characters other than the logo
 * glyph, which is the brand and not text: visible text comes from the
 * locale files, and Chinese is what slips in most easily.
 */
export function describeTemplates(templates: Record<string, string>) {
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
}

/**
 * describeKeysUsed checks that every literal key the code asks for with
 * t('…') or te('…') exists in zh-CN, as a message or as a group of them
 * (keys built at run time, like `states.${s}`, are checked where they are
 * built).
 */
export function describeKeysUsed(sources: Record<string, string>, zhCN: Messages) {
  const zh = flatten(zhCN)
  describe('keys used in code', () => {
    it('all exist in zh-CN', () => {
      const missing: string[] = []
      for (const [file, source] of Object.entries(sources)) {
        for (const m of source.matchAll(/\b(?:t|te)\(\s*'([A-Za-z0-9_.-]+)'/g)) {
          if (!zh.has(m[1]) && ![...zh.keys()].some((k) => k.startsWith(`${m[1]}.`))) missing.push(`${file}: ${m[1]}`)
        }
      }
      expect(missing).toEqual([])
    })
  })
}
