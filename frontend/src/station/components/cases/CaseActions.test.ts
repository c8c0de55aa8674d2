import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { CaseView } from '../../api/types'
import { mountApp } from '../../testing/mount'
import CaseActions from './CaseActions.vue'

function view(steps: CaseView['steps'], missing: CaseView['missing'] = []): CaseView {
  return { case: { id: 'c1', state: 'received', applicant: {} }, state_zh: '', deadline: {}, steps, missing, waived: 0, events: [], conflicts: [], masked: true } as unknown as CaseView
}

describe('CaseActions', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('does not offer 受理 while a required material is missing, and says which', async () => {
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { render: () => null } }] })
    const wrapper = mountApp(CaseActions, {
      props: {
        view: view(
          [
            { kind: 'accept', zh: '受理', needs_reason: false, allowed: true, blocked: '1 项必要材料未收' },
            { kind: 'request_correction', zh: '一次性告知补正', needs_reason: true, allowed: true },
          ],
          [{ code: 'M6', name: '近期二寸免冠彩色照片', required: '必要', collected: 'missing' } as CaseView['missing'][number]],
        ),
      },
      global: { plugins: [router] },
    })
    await flushPromises()
    expect(wrapper.find('[data-test=step-accept]').exists()).toBe(false)
    const blocked = wrapper.find('[data-test=blocked-accept]')
    expect(blocked.find('button').attributes('disabled')).toBeDefined()
    expect(blocked.text()).toContain('近期二寸免冠彩色照片')
    expect(wrapper.find('[data-test=step-request_correction]').exists()).toBe(true)
  })
})
