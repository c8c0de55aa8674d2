import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useKioskStore } from './kiosk'

vi.mock('../api/kiosk', () => ({ kioskIssueTicket: vi.fn(), kioskProgress: vi.fn(), kioskEvaluate: vi.fn(), kioskItems: vi.fn() }))
const api = vi.mocked(await import('../api/kiosk'))
const PROGRESS = { number: '370112001-20261127-0042', item_name: '', applicant: '张*', state: 'concluded', state_zh: '已办结', steps: [] }

describe('kiosk store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.resetAllMocks()
  })

  it('looks a case up from a scanned signed receipt alone, without the password', async () => {
    api.kioskProgress.mockResolvedValue(PROGRESS)
    const kiosk = useKioskStore()
    kiosk.go('progress')
    const code = 'YZ1|receipt|370112001-20261127-0042|370112001|2026-11-27|c2lnbmF0dXJl'
    expect(await kiosk.setCaseInput(code)).toBe(true)
    expect(api.kioskProgress).toHaveBeenCalledWith({ receipt: code, number: '370112001-20261127-0042' })
    expect(kiosk.progress?.state).toBe('concluded')
  })

  it('asks with the short number and password when nothing was scanned', async () => {
    api.kioskProgress.mockResolvedValue(PROGRESS)
    const kiosk = useKioskStore()
    kiosk.go('progress')
    expect(await kiosk.setCaseInput('1127-0042')).toBe(false)
    kiosk.password = '123456'
    await kiosk.lookUp()
    expect(api.kioskProgress).toHaveBeenCalledWith({ number: '1127-0042', password: '123456' })
  })

  it('rates the case it found with the same proof, and a ticket otherwise', async () => {
    api.kioskProgress.mockResolvedValue(PROGRESS)
    api.kioskEvaluate.mockResolvedValue('r1')
    const kiosk = useKioskStore()
    kiosk.go('progress')
    kiosk.caseNumber = '1127-0042'
    kiosk.password = '123456'
    await kiosk.lookUp()
    kiosk.rateThisCase()
    await kiosk.rate({ level: 5 })
    expect(api.kioskEvaluate).toHaveBeenLastCalledWith({ level: 5, source: 'kiosk', case: { number: '1127-0042', password: '123456' }, ticket_number: undefined })
    expect(kiosk.rated).toBe(true)

    kiosk.go('rate')
    expect(kiosk.rateTarget).toBeNull()
    kiosk.ticketNumber = 'A003'
    expect(kiosk.rateTarget).toBe('ticket')
    await kiosk.rate({ level: 2, comment: '等太久' })
    expect(api.kioskEvaluate).toHaveBeenLastCalledWith({ level: 2, comment: '等太久', source: 'kiosk', case: undefined, ticket_number: 'A003' })
  })

  it('shows the backend sentence for a wrong password and forgets everything on the way home', async () => {
    api.kioskProgress.mockRejectedValue({ code: 'not_found', message: 'no case', zh: '办件编号或查询密码不正确，请核对回执上的信息。' })
    const kiosk = useKioskStore()
    kiosk.go('progress')
    await kiosk.setCaseInput('370112001-20261127-0042')
    kiosk.password = '000000'
    await kiosk.lookUp()
    expect(kiosk.error?.zh).toBe('办件编号或查询密码不正确，请核对回执上的信息。')
    kiosk.home()
    expect(kiosk).toMatchObject({ screen: 'home', caseNumber: '', password: '', receipt: '', progress: null, found: null, error: null })
  })
})
