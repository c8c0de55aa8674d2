import { call } from './transport'
import type { AppInfo, FileFilter, SetupInput, Staff, StaffUpdate } from './types'

/**
 * Typed wrappers for the session, staff and local-file methods of the Go
 * `desktop.API`. Stores call these; nothing outside src/api/ knows how a
 * call travels. Other areas live beside this file (catalog.ts, cases.ts,
 * counter.ts, sync.ts, kiosk.ts); the shapes are in types.ts.
 */

export type { AppInfo, FileFilter, SetupInput, Staff, StaffUpdate }

/** info returns the version, the station identity and the current session. */
export function info(): Promise<AppInfo> {
  return call('Info')
}

/** setup initialises a new station and its first account (the station head). */
export function setup(input: SetupInput): Promise<AppInfo> {
  return call('Setup', input)
}

/** signIn checks a login and password and returns the staff member; it also switches user. */
export function signIn(login: string, password: string): Promise<Staff> {
  return call('SignIn', login, password)
}

/** signOut ends the current staff session. */
export function signOut(): Promise<void> {
  return call('SignOut')
}

/** lock locks the screen; the same staff member unlocks it with their password. */
export function lock(): Promise<void> {
  return call('Lock')
}

/** unlock unlocks the screen for the signed-in staff member. */
export function unlock(password: string): Promise<Staff> {
  return call('Unlock', password)
}

/** listStaff lists the station's accounts. */
export async function listStaff(): Promise<Staff[]> {
  return (await call('ListStaff')) ?? []
}

/** addStaff adds an account (station head only). */
export function addStaff(login: string, name: string, role: string, password: string): Promise<Staff> {
  return call('AddStaff', login, name, role, password)
}

/** updateStaff changes an account's role, password, disabled flag or lockout. */
export function updateStaff(id: string, update: StaffUpdate): Promise<void> {
  return call('UpdateStaff', id, update)
}

/** backup writes a backup of the station's database to path. */
export function backup(path: string): Promise<void> {
  return call('Backup', path)
}

/** hasWindow reports whether the app runs in its desktop window, where file dialogs exist. */
export async function hasWindow(): Promise<boolean> {
  try {
    return await call('HasWindow')
  } catch {
    return false
  }
}

/** chooseOpenFile shows the system open-file dialog; "" means cancelled. */
export function chooseOpenFile(title: string, filters: FileFilter[]): Promise<string> {
  return call('ChooseOpenFile', title, filters)
}

/** chooseSaveFile shows the system save-file dialog; "" means cancelled. */
export function chooseSaveFile(title: string, defaultName: string, filters: FileFilter[]): Promise<string> {
  return call('ChooseSaveFile', title, defaultName, filters)
}
