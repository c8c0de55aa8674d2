import { describe, expect, it } from 'vitest'
import { describeKeysUsed, describeLocales, describeTemplates, flatten } from '@shared/testing/locales'
import enUS from './en-US.json'
import zhCN from './zh-CN.json'

describeLocales(zhCN, enUS)

describe('console locales', () => {
  it('have no Chinese left in English messages but for the glossed terms', () => {
    const allowed = /容缺|即办件|承诺件|中文/
    const han = [...flatten(enUS)].filter(([, v]) => /\p{Script=Han}/u.test(v.replace(allowed, '').replace(allowed, ''))).map(([k]) => k)
    expect(han).toEqual([])
  })
})

// The console's templates: its own and those of the library it shares with
// the station app.
describeTemplates(
  import.meta.glob<string>(['../**/*.vue', '../../shared/**/*.vue'], { query: '?raw', import: 'default', eager: true }),
)

describeKeysUsed(
  import.meta.glob<string>(['../**/*.vue', '../**/*.ts', '!../**/*.test.ts'], { query: '?raw', import: 'default', eager: true }),
  zhCN,
)
