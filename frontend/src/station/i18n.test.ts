import { afterEach, describe, expect, it } from 'vitest'
import { ApiError } from '@shared/errors'
import { errorText, i18n } from './i18n'

describe('errorText', () => {
  afterEach(() => {
    i18n.global.locale.value = 'zh-CN'
  })

  it("shows the backend's Chinese sentence in Chinese", () => {
    const e = new ApiError('invalid', 'ident: resident id: checksum mismatch', '身份证号码校验位不正确，请核对。')
    expect(errorText(e)).toBe('身份证号码校验位不正确，请核对。')
  })

  it('falls back to the sentence for the code when the backend wrote none', () => {
    expect(errorText(new ApiError('unavailable', 'fetch failed'))).toBe('无法连接后台服务，请稍后重试。')
    expect(errorText({ code: 'forbidden', message: 'head only' })).toBe('当前账号无权执行此操作。')
  })

  it('maps unknown codes and plain errors to the internal-error sentence', () => {
    expect(errorText(new ApiError('teapot', 'x'))).toBe('系统内部错误，请重试；如仍失败请联系技术支持。')
    expect(errorText(new Error('boom'))).toBe('系统内部错误，请重试；如仍失败请联系技术支持。')
  })

  it('uses the translated sentence in English, with the detail of an input error', () => {
    i18n.global.locale.value = 'en-US'
    const e = new ApiError('invalid', 'phone: neither a mobile nor a landline number', '电话号码格式不正确。')
    expect(errorText(e)).toBe('Some input is not valid. Check it and try again. (phone: neither a mobile nor a landline number)')
    expect(errorText(new ApiError('not_found', 'case x not found', '找不到该办件'))).toBe('No matching record was found.')
  })
})
