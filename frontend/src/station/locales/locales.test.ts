import { describe, expect, it } from 'vitest'
import { describeKeysUsed, describeLocales, describeTemplates } from '@shared/testing/locales'
import { areas, enUS, zhCN } from './index'

describeLocales(zhCN, enUS)

describe('areas', () => {
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

// The station's templates: its own and those of the library it shares with
// the hall console (src/console has the same checks over its own).
describeTemplates(
  import.meta.glob<string>(['../**/*.vue', '../../shared/**/*.vue'], { query: '?raw', import: 'default', eager: true }),
)

describeKeysUsed(
  import.meta.glob<string>(['../**/*.vue', '../**/*.ts', '!../**/*.test.ts', '!../api/wailsjs/**'], { query: '?raw', import: 'default', eager: true }),
  zhCN,
)
