import { toApiError } from '@shared/errors'

/** A form field an identity check can refuse. */
export type IdentField = 'name' | 'id' | 'phone'

/**
 * fieldOfError tells which kind of field a validation error is about, from
 * the English message the ident package writes ("ident: resident id: ...").
 * It returns null for anything else; the error is then shown for the form.
 */
export function fieldOfError(err: unknown): IdentField | null {
  const m = toApiError(err).message
  if (/^ident: (resident id|credit code|organisation code)/.test(m)) return 'id'
  if (/^ident: phone/.test(m)) return 'phone'
  if (/^ident: name/.test(m)) return 'name'
  return null
}
