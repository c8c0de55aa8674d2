import { afterEach, describe, expect, it } from 'vitest'
import type { CaseMaterial } from '../../api/types'
import { mountApp } from '../../testing/mount'
import MaterialsChecklist from './MaterialsChecklist.vue'

function m(code: string, required: string, collected: string, eLicense = false): CaseMaterial {
  return { code, name: `材料${code}`, required, e_license: eLicense, originals: 1, copies: 1, collected }
}

describe('MaterialsChecklist', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('says what is missing, what blocks acceptance and how many papers were spared', () => {
    const wrapper = mountApp(MaterialsChecklist, {
      props: {
        materials: [m('M1', '必要', 'paper'), m('M2', '必要', 'e_license', true), m('M3', '容缺', 'rongque'), m('M4', '必要', 'missing'), m('M5', '非必要', 'missing')],
        allowances: { allows_rongque: true, allows_commitment: false },
      },
    })
    expect(wrapper.find('[data-test=missing]').text()).toBe('未收 2 项')
    expect(wrapper.find('[data-test=blocking]').text()).toBe('其中 1 项必要材料未收，暂不能受理')
    expect(wrapper.find('[data-test=waived]').text()).toBe('本次少交 2 份材料')
    expect(wrapper.findAll('.row.blocking')).toHaveLength(1)
  })

  it('offers only the ways a material may be collected, and emits the choice', async () => {
    const wrapper = mountApp(MaterialsChecklist, {
      props: { materials: [m('M1', '必要', 'missing'), m('M2', '容缺', 'missing', true)], allowances: { allows_rongque: true, allows_commitment: false } },
    })
    const rows = wrapper.findAll('.row')
    expect(rows[0].findAll('.el-radio-button').map((b) => b.text())).toEqual(['纸质', '扫描/拍照', '未收'])
    expect(rows[1].findAll('.el-radio-button').map((b) => b.text())).toEqual(['纸质', '扫描/拍照', '电子证照', '容缺', '未收'])
    await rows[1].findAll('.el-radio-button input')[2].setValue(true)
    expect(wrapper.emitted('set')?.[0]).toEqual(['M2', 'e_license'])
  })

  it('shows no blocking or waived count when there is none', () => {
    const wrapper = mountApp(MaterialsChecklist, {
      props: { materials: [m('M1', '必要', 'paper')], allowances: { allows_rongque: false, allows_commitment: false } },
    })
    expect(wrapper.find('[data-test=blocking]').exists()).toBe(false)
    expect(wrapper.find('[data-test=waived]').exists()).toBe(false)
    expect(wrapper.find('[data-test=missing]').text()).toBe('未收 0 项')
  })
})
