/**
 * speak announces text through the platform's speech synthesis (the
 * browser's or the WebView's speechSynthesis), in Chinese, at volume 0..1.
 * It does nothing where there is no speech synthesis or at volume 0, and
 * returns whether it spoke. A call interrupts the one before it.
 */
export function speak(text: string, volume: number): boolean {
  const synth = typeof window !== 'undefined' ? window.speechSynthesis : undefined
  if (!synth || typeof SpeechSynthesisUtterance === 'undefined' || volume <= 0) return false
  const u = new SpeechSynthesisUtterance(text)
  u.lang = 'zh-CN'
  u.volume = Math.min(1, volume)
  u.rate = 0.9
  const voice = synth.getVoices?.().find((v) => v.lang?.toLowerCase().startsWith('zh'))
  if (voice) u.voice = voice
  synth.cancel()
  synth.speak(u)
  return true
}
