import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Case, CaseMaterial, IntakeCheck, Item, ItemSummary } from '../api/types'
import { useIntakeStore } from './intake'

vi.mock('../api/cases', () => ({ checkIntake: vi.fn(), openCase: vi.fn(), attachScan: vi.fn(), step: vi.fn() }))
vi.mock('../api/catalog', () => ({ item: vi.fn(), findItems: vi.fn() }))
const cases = vi.mocked(await import('../api/cases'))
const catalog = vi.mocked(await import('../api/catalog'))

const summary: ItemSummary = {
  code: 'MZ-001',
  version: 2,
  name: '最低生活保障审核确认',
  handling: '',
  kind: '承诺件',
  type: '行政确认',
  department: '民政局',
  handled_at: 'hall',
  initials: 'zdshbzshqr',
  promised: '25G',
  materials: 3,
  visits: 1,
}

const item = {
  implementation_code: 'MZ-001',
  allows_rongque: true,
  allows_commitment: false,
  situations: [{ code: '01', name: '家庭成员有残疾', extra_materials: ['M3'] }],
} as unknown as Item

function material(code: string, required: string, eLicense = false): CaseMaterial {
  return { code, name: `材料${code}`, required, e_license: eLicense, originals: 1, copies: 0, collected: 'missing' }
}

const check: IntakeCheck = {
  birth_date: '1962-07-08',
  sex: 'F',
  age: 64,
  warnings: ['身份证登记地不在本区，请核对。'],
  materials: [material('M1', '必要'), material('M2', '必要', true), material('M3', '容缺')],
  missing: 3,
  blocking: 2,
  waivable: 2,
}

const opened = { id: 'c1', number: '370112001-20261127-0001', state: 'received', materials: [] } as unknown as Case

describe('intake store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.resetAllMocks()
    catalog.item.mockResolvedValue(item)
    cases.checkIntake.mockResolvedValue(check)
    cases.openCase.mockResolvedValue(opened)
    cases.attachScan.mockResolvedValue(opened)
    cases.step.mockResolvedValue({ ...opened, state: 'correction' })
  })

  it('runs an intake from item to receipt', async () => {
    const intake = useIntakeStore()
    intake.reset('ticket-7', 'village')
    expect(intake.step).toBe('item')

    await intake.selectItem(summary)
    expect(catalog.item).toHaveBeenCalledWith('MZ-001')
    expect(intake.step).toBe('situation')

    intake.chooseSituation('01')
    expect(intake.step).toBe('applicant')

    Object.assign(intake.applicant, { name: '李秀英', id_number: '370112196207080020', phone: '13912345678' })
    expect(await intake.toMaterials()).toBe(true)
    expect(intake.step).toBe('materials')
    expect(cases.checkIntake).toHaveBeenCalledWith(
      expect.objectContaining({
        item_code: 'MZ-001',
        item_version: 2,
        situation: '01',
        channel: 'village',
        ticket_id: 'ticket-7',
        applicant: expect.objectContaining({ type: 'person', id_type: 'resident_id', id_number: '370112196207080020' }),
        materials: [],
      }),
    )
    expect(intake.summary).toMatchObject({ total: 3, missing: 3, blocking: 2, waived: 0 })

    intake.setCollection('M1', 'paper')
    intake.setCollection('M2', 'e_license')
    intake.certNos.M2 = 'DZ-1'
    intake.addScan('M3', { name: 'p.jpg', mime: 'image/jpeg', base64: 'AAAA' })
    expect(intake.summary).toMatchObject({ missing: 0, blocking: 0, waived: 1 })

    const c = await intake.open()
    expect(c).toEqual(opened)
    expect(cases.openCase).toHaveBeenCalledWith(
      expect.objectContaining({
        materials: [
          { code: 'M1', collected: 'paper', cert_no: undefined },
          { code: 'M2', collected: 'e_license', cert_no: 'DZ-1' },
          { code: 'M3', collected: 'scan', cert_no: undefined },
        ],
      }),
    )
    expect(cases.attachScan).toHaveBeenCalledWith('c1', 'M3', 'p.jpg', 'image/jpeg', 'AAAA')
    expect(intake.step).toBe('done')

    await intake.requestCorrection('申请材料不齐全', ['签字'])
    expect(cases.step).toHaveBeenCalledWith('c1', { kind: 'request_correction', reason: '申请材料不齐全', extra: ['签字'] })
    expect(intake.opened?.state).toBe('correction')
  })

  it('stays on the applicant step with the backend error when the check fails', async () => {
    cases.checkIntake.mockRejectedValue({ code: 'invalid', message: 'ident: phone: neither', zh: '电话号码格式不正确。' })
    const intake = useIntakeStore()
    await intake.selectItem({ ...summary })
    intake.chooseSituation('')
    expect(await intake.toMaterials()).toBe(false)
    expect(intake.step).toBe('applicant')
    expect(intake.checkError).toMatchObject({ code: 'invalid', zh: '电话号码格式不正确。' })
  })

  it('sends the agent of a proxy with the paper power of attorney', async () => {
    const intake = useIntakeStore()
    await intake.selectItem(summary)
    intake.agentMode = 'proxy'
    Object.assign(intake.agent, { name: '王小明', id_number: '370112200109220033', phone: '', relationship: '孙子', attorneyPaper: true })
    expect(intake.input.agent).toMatchObject({ mode: 'proxy', name: '王小明', relationship: '孙子', attorney_blob: 'paper' })
    intake.agentMode = 'none'
    expect(intake.input.agent).toBeUndefined()
  })

  it('keeps the case when a scan fails to attach, and says which', async () => {
    cases.attachScan.mockRejectedValue({ code: 'internal', message: 'disk full' })
    const intake = useIntakeStore()
    await intake.selectItem(summary)
    intake.addScan('M1', { name: 'a.png', mime: 'image/png', base64: 'AA' })
    expect(await intake.open()).toEqual(opened)
    expect(intake.scanErrors).toEqual(['a.png'])
  })

  it('goes back a step with Esc, skipping the situation of an item without any', async () => {
    catalog.item.mockResolvedValue({ ...item, situations: [] })
    const intake = useIntakeStore()
    await intake.selectItem(summary)
    expect(intake.step).toBe('applicant')
    intake.back()
    expect(intake.step).toBe('item')
  })
})
