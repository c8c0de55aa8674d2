import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { mountApp } from '../../testing/mount'
import StepDialog from './StepDialog.vue'

type Owed = { code: string; name: string; required: string; e_license: boolean }

async function open(props: { kind: string; needsReason: boolean; missing?: string[]; hasAddress?: boolean; owed?: Owed[] }) {
  const wrapper = mountApp(StepDialog, { props: { modelValue: false, ...props } })
  await wrapper.setProps({ modelValue: true })
  await flushPromises()
  await nextTick()
  return wrapper
}

const reasonField = () => document.body.querySelector('[data-test=reason]')
const submit = () => document.body.querySelector<HTMLButtonElement>('[data-test=submit]')!

describe('StepDialog', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('asks for a reason when the step needs one', async () => {
    await open({ kind: 'not_accept', needsReason: true })
    expect(reasonField()).not.toBeNull()
  })

  it('asks for no reason when the step needs none', async () => {
    await open({ kind: 'accept', needsReason: false })
    expect(reasonField()).toBeNull()
  })

  it('refuses to submit without the reason, then sends it', async () => {
    const wrapper = await open({ kind: 'not_accept', needsReason: true })
    submit().click()
    await nextTick()
    expect(wrapper.emitted('submit')).toBeUndefined()
    expect(document.body.textContent).toContain('请填写理由')

    const textarea = document.body.querySelector<HTMLTextAreaElement>('[data-test=reason] textarea')!
    textarea.value = '不属于本机关职权范围'
    textarea.dispatchEvent(new Event('input'))
    await nextTick()
    submit().click()
    expect(wrapper.emitted('submit')?.[0]).toEqual([{ kind: 'not_accept', reason: '不属于本机关职权范围' }])
  })

  it('sends a step without fields straight away', async () => {
    const wrapper = await open({ kind: 'accept', needsReason: false })
    submit().click()
    expect(wrapper.emitted('submit')?.[0]).toEqual([{ kind: 'accept' }])
  })

  it('asks a conclusion for a reason only when it is not an approval', async () => {
    await open({ kind: 'conclude', needsReason: false })
    const choose = async (label: string) => {
      ;[...document.body.querySelectorAll<HTMLElement>('.el-radio-button')].find((b) => b.textContent?.includes(label))!.querySelector('input')!.click()
      await nextTick()
    }
    expect(reasonField()).toBeNull()
    await choose('准予')
    expect(reasonField()).toBeNull()
    await choose('不予许可')
    expect(reasonField()).not.toBeNull()
  })

  it('asks for an EMS address when the applicant has none on file, and only then', async () => {
    const chooseEMS = async () => {
      ;[...document.body.querySelectorAll<HTMLElement>('.el-radio-button')].find((b) => b.textContent?.includes('EMS'))!.querySelector('input')!.click()
      await nextTick()
    }
    const type = async (sel: string, v: string) => {
      const input = document.body.querySelector<HTMLInputElement>(`${sel} input, input${sel}`)!
      input.value = v
      input.dispatchEvent(new Event('input'))
      await nextTick()
    }
    const withAddress = await open({ kind: 'start_delivery', needsReason: false, hasAddress: true })
    await chooseEMS()
    expect(document.body.querySelector<HTMLInputElement>('[data-test=step-address] input, input[data-test=step-address]')!.placeholder).toContain('不填则使用申请人地址')
    await type('.el-form-item:has(.mono)', '1180000012345')
    submit().click()
    expect(withAddress.emitted('submit')?.[0]).toEqual([{ kind: 'start_delivery', method: 'ems', waybill: '1180000012345' }])
    withAddress.unmount()
    document.body.innerHTML = ''

    const without = await open({ kind: 'start_delivery', needsReason: false, hasAddress: false })
    await chooseEMS()
    expect(document.body.querySelector<HTMLInputElement>('[data-test=step-address] input, input[data-test=step-address]')!.placeholder).toContain('申请人未登记地址')
    await type('.el-form-item:has(.mono)', '1180000012345')
    submit().click()
    await nextTick()
    expect(without.emitted('submit')).toBeUndefined()
    expect(document.body.textContent).toContain('请填写寄递地址')
    await type('[data-test=step-address]', '示例镇示例村8号')
    submit().click()
    expect(without.emitted('submit')?.[0]).toEqual([{ kind: 'start_delivery', method: 'ems', waybill: '1180000012345', address: '示例镇示例村8号' }])
  })

  it('lists the missing materials on a correction notice', async () => {
    await open({ kind: 'request_correction', needsReason: true, missing: ['居民户口簿', '残疾人证'] })
    expect(document.body.textContent).toContain('居民户口簿')
    expect(document.body.textContent).toContain('残疾人证')
  })

  it('records what a supplement brought, and says whether 受理 is possible after it', async () => {
    const owed: Owed[] = [
      { code: 'M2', name: '二寸免冠照片', required: '必要', e_license: false },
      { code: 'M3', name: '居民户口簿', required: '必要', e_license: true },
    ]
    const wrapper = await open({ kind: 'supplement', needsReason: false, owed })
    // Each owed material starts as brought on paper: nothing required is left.
    expect(document.body.querySelector('[data-test=supplement-ready]')).not.toBeNull()
    const choose = async (code: string, label: string) => {
      const row = document.body.querySelector(`[data-test=brought-${code}]`)!
      ;[...row.querySelectorAll<HTMLElement>('.el-radio-button')].find((b) => b.textContent?.includes(label))!.querySelector('input')!.click()
      await nextTick()
    }
    await choose('M3', '电子证照')
    await choose('M2', '未带来')
    expect(document.body.querySelector('[data-test=supplement-still]')?.textContent).toContain('二寸免冠照片')
    submit().click()
    expect(wrapper.emitted('submit')?.[0]).toEqual([{ kind: 'supplement', materials: [{ code: 'M3', collected: 'e_license', count: 1 }] }])
  })

  it('offers an electronic licence only for a material that has one', async () => {
    await open({ kind: 'supplement', needsReason: false, owed: [{ code: 'M2', name: '二寸免冠照片', required: '必要', e_license: false }] })
    expect(document.body.querySelector('[data-test=brought-M2]')!.textContent).not.toContain('电子证照')
  })

  it('starts ready when the parent mounts it already open (补齐材料 from the case page)', async () => {
    const owed = [{ code: 'M2', name: '二寸免冠照片', required: '必要', e_license: false }]
    const wrapper = mountApp(StepDialog, { props: { modelValue: true, kind: 'supplement', needsReason: false, owed } })
    await flushPromises()
    await nextTick()
    expect(document.body.querySelector('[data-test=supplement-ready]')).not.toBeNull()
    submit().click()
    expect(wrapper.emitted('submit')?.[0]).toEqual([{ kind: 'supplement', materials: [{ code: 'M2', collected: 'paper', count: 1 }] }])
  })
})
