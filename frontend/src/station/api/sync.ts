import { call } from './transport'
import type { AppInfo, BundleExport, BundleImport, SyncResult, SyncStatus } from './types'

/** syncStatus returns the sync panel's figures; it never contacts the hall. */
export function syncStatus(): Promise<SyncStatus> {
  return call('SyncStatus')
}

/** syncNow syncs once, now; background sync continues either way. */
export function syncNow(): Promise<SyncResult> {
  return call('SyncNow')
}

/** enroll registers this station with the hall using a one-time code. */
export function enroll(hallURL: string, code: string): Promise<AppInfo> {
  return call('Enroll', hallURL, code)
}

/** exportBundle writes everything the hall has not acknowledged to a sealed file. */
export function exportBundle(path: string): Promise<BundleExport> {
  return call('ExportBundle', path)
}

/** importBundle applies a reply bundle the hall wrote. */
export function importBundle(path: string): Promise<BundleImport> {
  return call('ImportBundle', path)
}
