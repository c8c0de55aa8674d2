import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useDashboardStore } from './dashboard'

vi.mock('../api/counter', () => ({ dashboard: vi.fn(), changeMark: vi.fn() }))
const api = vi.mocked(await import('../api/counter'))

describe('dashboard store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.resetAllMocks()
  })

  it('reloads the figures when, and only when, cases change', async () => {
    api.dashboard.mockResolvedValue({ today: 1 } as never)
    api.changeMark.mockResolvedValue('10.1.0')
    const dash = useDashboardStore()
    await dash.refreshIfChanged()
    await dash.refreshIfChanged()
    expect(api.dashboard).toHaveBeenCalledTimes(1)
    api.changeMark.mockResolvedValue('11.1.0') // a case step somewhere
    api.dashboard.mockResolvedValue({ today: 2 } as never)
    await dash.refreshIfChanged()
    expect(api.dashboard).toHaveBeenCalledTimes(2)
    expect(dash.data?.today).toBe(2)
  })
})
