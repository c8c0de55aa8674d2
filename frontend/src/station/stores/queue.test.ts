import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { usePrefsStore } from './prefs'
import { useQueueStore } from './queue'

vi.mock('../api/counter', () => ({ callNext: vi.fn(), queue: vi.fn(), issueTicket: vi.fn(), finishTicket: vi.fn(), transferTicket: vi.fn() }))
const api = vi.mocked(await import('../api/counter'))

/** A stand-in for the platform's speech synthesis that records what it was asked to say. */
function stubSpeech() {
  const said: { text: string; lang: string; volume: number }[] = []
  class Utterance {
    text: string
    lang = ''
    volume = 1
    rate = 1
    voice: unknown = null
    constructor(text: string) {
      this.text = text
    }
  }
  vi.stubGlobal('SpeechSynthesisUtterance', Utterance)
  vi.stubGlobal('speechSynthesis', { speak: (u: Utterance) => said.push({ text: u.text, lang: u.lang, volume: u.volume }), cancel: () => {}, getVoices: () => [] })
  return said
}

describe('queue store', () => {
  beforeEach(() => {
    localStorage.clear()
    setActivePinia(createPinia())
    vi.resetAllMocks()
  })
  afterEach(() => vi.unstubAllGlobals())

  it('announces a call in Chinese at the volume set, to the window asked once', async () => {
    const said = stubSpeech()
    const queue = useQueueStore()
    queue.setWindow('2号窗口')
    expect(queue.windowNo).toBe('2')
    expect(localStorage.getItem('yizhan.window')).toBe('2')
    usePrefsStore().setCallVolume(60)
    api.callNext.mockResolvedValue({ id: 't1', number: 'A003', day: '', status: 'serving', issued_at: '', wait_secs: 0, window: '2' })
    await queue.callNext()
    expect(api.callNext).toHaveBeenCalledWith('2')
    expect(said).toEqual([{ text: '请 A003 号到 2 号窗口办理', lang: 'zh-CN', volume: 0.6 }])
  })

  it('keeps quiet at volume 0', async () => {
    const said = stubSpeech()
    const queue = useQueueStore()
    queue.setWindow('1')
    usePrefsStore().setCallVolume(0)
    api.callNext.mockResolvedValue({ id: 't1', number: 'A001', day: '', status: 'serving', issued_at: '', wait_secs: 0, window: '1' })
    await queue.callNext()
    expect(said).toEqual([])
  })
})
