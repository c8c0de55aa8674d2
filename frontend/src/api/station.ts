import type { app, desktop } from './wailsjs/go/models'
import { call } from './transport'

/**
 * Typed wrappers for the methods of the Go `desktop.Station`. Stores call
 * these; nothing outside src/api/ knows how a call travels.
 *
 * The types come from the bindings Wails generates (wailsjs/go/models.ts),
 * so they follow the Go structs. Results are plain JSON objects: use the
 * generated classes as types only.
 */

export type Staff = app.Staff
export type Identity = app.Identity
export type AppInfo = desktop.AppInfo

/** info returns the version, the station identity and the current session. */
export function info(): Promise<AppInfo> {
  return call<AppInfo>('Info')
}

/** signIn checks a login and password and returns the staff member. */
export function signIn(login: string, password: string): Promise<Staff> {
  return call<Staff>('SignIn', login, password)
}

/** signOut ends the current staff session. */
export function signOut(): Promise<void> {
  return call<void>('SignOut')
}
