/**
 * Masking as the Go side does it (ident/mask.go), for the few places where
 * the frontend masks a value itself, such as a printed notice that shows the
 * ID number. Lists arrive masked from the backends already. Each hidden
 * character becomes one "*", so the length stays visible.
 */

/**
 * halfEnds shrinks the wanted head and tail so that together they show at
 * most half of n characters, the tail first (the end is what people compare).
 */
function halfEnds(n: number, head: number, tail: number): [number, number] {
  const visible = Math.floor(n / 2)
  const t = Math.min(tail, Math.floor(visible / 2))
  return [Math.min(head, visible - t), t]
}

/** keepEnds hides all but the first head and last tail characters. */
function keepEnds(chars: string[], head: number, tail: number): string {
  return chars.map((c, i) => (i < head || i >= chars.length - tail ? c : '*')).join('')
}

/**
 * maskID masks a resident ID like ident.MaskID: an 18-character number keeps
 * its division code (first 6) and last 4 (110105********002X); any other
 * length keeps at most half, split between the ends.
 */
export function maskID(id: string): string {
  const chars = [...id.trim()]
  if (chars.length === 18) return keepEnds(chars, 6, 4)
  return keepEnds(chars, ...halfEnds(chars.length, 6, 4))
}
