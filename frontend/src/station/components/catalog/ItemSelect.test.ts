import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { useCatalogStore } from '../../stores/catalog'
import { mountApp } from '../../testing/mount'
import ItemSelect from './ItemSelect.vue'

vi.mock('../../api/catalog', () => ({
  findItems: vi.fn().mockResolvedValue([
    { code: '370112-RS-001-01-S', name: '城乡居民基本养老保险参保登记', handling: '', initials: 'cxjmjbylbxcbdj', version: 1 },
    { code: '370112-MZ-001-01-S', name: '最低生活保障审核确认', handling: '', initials: 'zdshbzshqr', version: 1 },
  ]),
}))

describe('ItemSelect', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('takes the first match on Enter, as a clerk typing pinyin initials expects', async () => {
    const wrapper = mountApp(ItemSelect, { props: { modelValue: '' } })
    await useCatalogStore().load()
    await flushPromises()
    const input = wrapper.find('input')
    await input.trigger('focus')
    await input.trigger('click')
    await input.setValue('zdsh')
    await flushPromises()
    await nextTick()
    await input.trigger('keydown', { key: 'Enter', code: 'Enter' })
    await flushPromises()
    expect(wrapper.emitted('update:modelValue')?.at(-1)).toEqual(['370112-MZ-001-01-S'])
  })
})
