import { call } from './transport'
import type {
  ApplicantUpdate,
  Case,
  CaseFilter,
  CasePage,
  CaseView,
  ConflictView,
  IntakeCheck,
  MaterialInput,
  OpenCaseInput,
  PrintedDocument,
  StepInput,
} from './types'

/** The notices a station prints. */
export const DOCUMENT_KINDS = ['receipt', 'accept', 'not_accept', 'correction', 'conclusion', 'delivery', 'transfer'] as const
export type DocumentKind = (typeof DOCUMENT_KINDS)[number]

/** checkIntake validates an intake form and returns warnings and the materials checklist. */
export function checkIntake(input: OpenCaseInput): Promise<IntakeCheck> {
  return call('CheckIntake', input)
}

/** openCase receives an application (收件). */
export function openCase(input: OpenCaseInput): Promise<Case> {
  return call('OpenCase', input)
}

/** findCases returns one page of cases; personal data comes masked. */
export function findCases(filter: CaseFilter): Promise<CasePage> {
  return call('FindCases', filter)
}

/** showCase returns a case's detail, masked. */
export function showCase(id: string): Promise<CaseView> {
  return call('ShowCase', id)
}

/** revealCase returns a case's detail unmasked; the purpose is logged. */
export function revealCase(id: string, purpose: string): Promise<CaseView> {
  return call('RevealCase', id, purpose)
}

/** recordMaterial records how one material was collected. */
export function recordMaterial(caseID: string, input: MaterialInput): Promise<Case> {
  return call('RecordMaterial', caseID, input)
}

/** step performs one lifecycle step (accept, conclude, deliver...). */
export function step(caseID: string, input: StepInput): Promise<Case> {
  return call('Step', caseID, input)
}

/** updateApplicant changes free-form applicant fields. */
export function updateApplicant(caseID: string, update: ApplicantUpdate): Promise<Case> {
  return call('UpdateApplicant', caseID, update)
}

/** attachScan stores a scanned page or photo (base64, no data: prefix) on a case material. */
export function attachScan(caseID: string, materialCode: string, name: string, mime: string, base64: string): Promise<Case> {
  return call('AttachScan', caseID, materialCode, name, mime, base64)
}

/** scanDataURL returns a stored scan as a data: URL for preview. */
export function scanDataURL(sha: string): Promise<string> {
  return call('ScanDataURL', sha)
}

/** printDocument prepares a notice for printing (unmasked; logged as an access). */
export function printDocument(caseID: string, kind: DocumentKind): Promise<PrintedDocument> {
  return call('PrintDocument', caseID, kind)
}

/** conflicts lists sync conflicts; only open ones unless all. */
export async function conflicts(all: boolean): Promise<ConflictView[]> {
  return (await call('Conflicts', all)) ?? []
}

/** resolveConflict records how a conflict was settled. */
export function resolveConflict(eventID: string, resolution: string): Promise<void> {
  return call('ResolveConflict', eventID, resolution)
}
