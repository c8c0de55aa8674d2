import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useKioskStore } from './kiosk'

vi.mock('../api/kiosk', () => ({ kioskIssueTicket: vi.fn(), kioskProgress: vi.fn(), kioskEvaluate: vi.fn() }))
const api = vi.mocked(await import('../api/kiosk'))

describe('kiosk store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.resetAllMocks()
  })

  it('reads the case number from a scanned receipt and asks with the password', async () => {
    api.kioskProgress.mockResolvedValue({ number: 'N1', item_name: '', applicant: '张*', state: 'accepted', state_zh: '已受理', steps: [] })
    const kiosk = useKioskStore()
    kiosk.go('progress')
    kiosk.setCaseInput('YZ1|receipt|370112001-20261127-0042|370112001|2026-11-27|sig')
    kiosk.password = '123456'
    await kiosk.lookUp()
    expect(api.kioskProgress).toHaveBeenCalledWith('370112001-20261127-0042', '123456')
    expect(kiosk.progress?.state).toBe('accepted')
  })

  it('shows the backend sentence for a wrong password and forgets everything on the way home', async () => {
    api.kioskProgress.mockRejectedValue({ code: 'not_found', message: 'no case', zh: '办件编号或查询密码不正确，请核对回执上的信息。' })
    const kiosk = useKioskStore()
    kiosk.go('progress')
    kiosk.setCaseInput('370112001-20261127-0042')
    kiosk.password = '000000'
    await kiosk.lookUp()
    expect(kiosk.error?.zh).toBe('办件编号或查询密码不正确，请核对回执上的信息。')
    kiosk.home()
    expect(kiosk).toMatchObject({ screen: 'home', caseNumber: '', password: '', progress: null, error: null })
  })
})
