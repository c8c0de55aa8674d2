import type { app, desktop, domain, hallclient, notice } from './wailsjs/go/models'

/**
 * Plain turns a generated binding class into the plain JSON shape a call
 * really returns or takes: the classes carry helper methods (createFrom,
 * convertValues) that a JSON object does not have.
 */
export type Plain<T> = T extends (infer U)[]
  ? Plain<U>[]
  : T extends object
    ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: Plain<T[K]> }
    : T

// Session and station.
export type AppInfo = Plain<desktop.AppInfo>
export type Identity = Plain<app.Identity>
export type Staff = Plain<app.Staff>
export type SetupInput = Plain<desktop.SetupInput>
export type StaffUpdate = Plain<desktop.StaffUpdate>
export type FileFilter = Plain<desktop.FileFilter>

// Catalog.
export type ItemSummary = Plain<app.ItemSummary>
export type Item = Plain<domain.Item>
export type CatalogMaterial = Plain<domain.Material>
export type Situation = Plain<domain.Situation>
export type ImportResult = Plain<app.ImportResult>

// Cases.
export type Applicant = Plain<domain.Applicant>
export type Agent = Plain<domain.Agent>
export type CaseMaterial = Plain<domain.CaseMaterial>
export type Case = Plain<domain.Case>
export type Delivery = Plain<domain.Delivery>
export type Evaluation = Plain<domain.Evaluation>
export type MaterialInput = Plain<app.MaterialInput>
export type OpenCaseInput = Plain<app.OpenCaseInput>
export type IntakeCheck = Plain<app.IntakeCheck>
export type CaseFilter = Plain<app.CaseFilter>
export type CaseSummary = Plain<app.CaseSummary>
export type CasePage = Plain<app.CasePage>
export type CaseView = Plain<app.CaseView>
export type DeadlineView = Plain<app.DeadlineView>
export type Step = Plain<app.Step>
export type EventView = Plain<app.EventView>
export type ConflictView = Plain<app.ConflictView>
export type StepInput = Plain<desktop.StepInput>
export type PrintedDocument = Plain<notice.Document>
export type ApplicantUpdate = Plain<domain.ApplicantUpdate>

// Counter.
export type Ticket = Plain<app.Ticket>
export type Appointment = Plain<app.Appointment>
export type EvaluationInput = Plain<app.EvaluationInput>
export type Rectification = Plain<app.Rectification>
export type Dashboard = Plain<app.Dashboard>
export type Progress = Plain<app.Progress>
export type KioskQuery = Plain<app.KioskQuery>
export type KioskRatingInput = Plain<app.KioskRatingInput>
export type QueueBoard = Plain<app.QueueBoard>
export type RatingInvite = Plain<app.RatingInvite>

// Sync.
export type SyncStatus = Plain<hallclient.Status>
export type SyncResult = Plain<hallclient.Result>
export type BundleExport = Plain<hallclient.ExportResult>
export type BundleImport = Plain<hallclient.ImportResult>
