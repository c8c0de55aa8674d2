import { afterEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { mountApp } from '../../testing/mount'
import EvaluationPad from './EvaluationPad.vue'

describe('EvaluationPad', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('shows five levels and chooses none in advance', () => {
    const wrapper = mountApp(EvaluationPad)
    const faces = wrapper.findAll('[role=radio]')
    expect(faces.map((f) => f.text())).toEqual(['非常满意', '满意', '基本满意', '不满意', '非常不满意'])
    expect(faces.every((f) => f.attributes('aria-checked') === 'false')).toBe(true)
    expect(wrapper.findAll('.chosen, .dimmed')).toHaveLength(0)
    // Nothing can be submitted before the citizen chooses.
    expect(wrapper.find('[data-test=submit]').exists()).toBe(false)
  })

  it('emits the chosen level, then the evaluation', async () => {
    const wrapper = mountApp(EvaluationPad)
    await wrapper.find('[data-level="2"]').trigger('click')
    expect(wrapper.emitted('select')).toEqual([[2]])
    expect(wrapper.find('[data-level="2"]').attributes('aria-checked')).toBe('true')
    await wrapper.find('textarea').setValue('等了很久')
    await wrapper.find('[data-test=submit]').trigger('click')
    expect(wrapper.emitted('submit')?.[0]).toEqual([{ level: 2, comment: '等了很久', source: 'pad' }])
  })

  it('sends a call-back phone only with a bad review', async () => {
    const wrapper = mountApp(EvaluationPad, { props: { large: true } })
    await wrapper.find('[data-level="1"]').trigger('click')
    await nextTick()
    const inputs = wrapper.findAll('input[type=text], input:not([type])')
    await inputs[inputs.length - 1].setValue('13800138000')
    await wrapper.find('[data-test=submit]').trigger('click')
    expect(wrapper.emitted('submit')?.[0]).toEqual([{ level: 1, source: 'kiosk', contact: '13800138000', real_name: true }])
  })
})
