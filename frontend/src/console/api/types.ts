/** Types of the hall console API, as hall/ and hall/console encode them. */

export type Role = 'clerk' | 'approver' | 'supervisor' | 'admin'

export type Permission =
  | 'cases.view'
  | 'cases.unmask'
  | 'cases.handle'
  | 'cases.decide'
  | 'catalog.publish'
  | 'stations.manage'
  | 'reviews.manage'
  | 'stats.export'
  | 'access.view'
  | 'staff.manage'

export interface Staff {
  login: string
  name: string
  role: Role
  role_zh: string
  disabled: boolean
  locked_until?: string
  last_login?: string
  permissions: Permission[]
}

export interface Deadline {
  due?: string
  legal_due?: string
  workdays_left: number
  overdue: boolean
  legal_overdue: boolean
  due_soon: boolean
  provisional?: boolean
  paused?: boolean
}

export interface CaseRow {
  id: string
  number: string
  serial?: string
  station: string
  holder: string
  state: string
  state_zh: string
  result?: string
  item_code: string
  item_name: string
  handled_at: string
  applicant: string
  applicant_id: string
  phone?: string
  received_at: string
  updated_at: string
  deadline: Deadline
  next: string[]
}

export interface Limit {
  value: number
  unit: 'G' | 'Z' | string
}

export interface Applicant {
  type: string
  name: string
  id_type: string
  id_number: string
  phone: string
  address?: string
  legal_rep?: string
  contact?: string
}

export interface CaseMaterial {
  code: string
  name: string
  required: string
  collected: string
  count?: number
}

export interface Pause {
  from: string
  to?: string
  unit: string
  reason: string
}

export interface Evaluation {
  level: number
  comment?: string
  source?: string
}

export interface Case {
  id: string
  number: string
  serial?: string
  station: string
  holder: string
  item_code: string
  item_version: number
  item_name: string
  item_kind: string
  handled_at: string
  situation_name?: string
  channel: string
  applicant: Applicant
  materials: CaseMaterial[] | null
  legal_limit: Limit
  promised_limit: Limit
  state: string
  result?: string
  reason?: string
  cert_no?: string
  correction_list?: string[]
  correction_due?: string
  pauses?: Pause[]
  evaluation?: Evaluation
  received_at: string
  accepted_at?: string
  concluded_at?: string
  updated_at: string
  notes?: string[]
  /** How the result goes back; address and names masked unless unmasked. */
  delivery?: { method: string; waybill?: string; address?: string; addressee?: string; signed_by?: string; signed_at?: string }
}

export interface CaseEvent {
  id: string
  case_id: string
  kind: string
  from?: string
  payload?: Record<string, unknown>
  actor: string
  actor_name?: string
  office: string
  at: string
}

export interface HistoryEntry {
  seq: number
  status: 'accepted' | 'conflict' | string
  reason?: string
  zh?: string
  event: CaseEvent
}

export interface CaseView {
  case: Case
  history: HistoryEntry[]
  next: string[]
  deadline: Deadline
  state_zh: string
  masked: boolean
}

/** The fields every case action may carry; each uses some. */
export interface ActionInput {
  reason?: string
  items?: string[]
  cert_no?: string
  procedure?: string
  unit?: string
  serial?: string
  to?: string
}

export type CaseAction = 'accept' | 'correction' | 'return' | 'serial' | 'route' | 'approve' | 'refuse' | 'suspend' | 'resume'

export interface Access {
  at: string
  actor: string
  action: string
  case_id?: string
  detail?: string
}

export interface ItemVersion {
  code: string
  version: number
  name: string
  handling_item?: string
  type: string
  kind: string
  department: string
  handled_at: string
  status: string
  promised_limit: Limit
  legal_limit: Limit
  materials: number
  catalog: string
  published: string
}

export interface CatalogItem {
  code: string
  name: string
  latest: number
  versions: ItemVersion[]
}

/** Item is a catalog item in full; the editor keeps unknown fields as they are. */
export interface Item {
  implementation_code: string
  version?: number
  status?: string
  name: string
  handling_item?: string
  type?: string
  department?: string
  kind: string
  legal_limit: Limit
  promised_limit: Limit
  visits?: number
  handled_at?: string
  [key: string]: unknown
}

export interface PublishResult {
  catalog: string
  items: number
  added: number
  status_changed: number
  unchanged: number
}

export interface YearSpec {
  year: number
  holidays: string[]
  workdays: string[]
  source: string
}

export interface CalendarYear extends YearSpec {
  published: boolean
}

export interface StationInfo {
  code: string
  name: string
  region?: string
  status: 'announced' | 'enrolled' | 'revoked' | string
  app_version?: string
  last_seen?: string
  cursor: number
  lag: number
  conflicts: number
  /** village, township, postal or helper: with the catalog, what it may do */
  kind?: string
  /** events of its pull pages the station set aside and reported */
  quarantined?: number
  audit_seq?: number
  tampered?: boolean
  tamper_note?: string
}

export interface Enrolment {
  station: string
  enrol_code: string
  expires: string
}

export type CallbackStatus = 'fixed' | 'fixed_by_deadline' | 'explained' | 'appealed'

export interface Callback {
  case_id: string
  status: CallbackStatus
  callback: string
  result: string
  fix_by?: string
  called_at: string
  recorded_by: string
  updated_at: string
}

export interface CallbackInput {
  status: CallbackStatus
  callback: string
  result: string
  fix_by?: string
}

export interface BadReview {
  case_id: string
  number: string
  station: string
  item_code: string
  item_name: string
  applicant: string
  level: number
  comment?: string
  source?: string
  real_name: boolean
  rated_at: string
  due: string
  overdue: boolean
  late: boolean
  callback?: Callback
}

export interface StatRow {
  key: string
  label: string
  intake: number
  concluded: number
  timed: number
  on_time: number
  on_time_rate: number
  avg_handle_days: number
  avg_handle_workdays: number
  rated: number
  satisfied: number
  satisfaction: number
  bad: number
  overdue: number
}

export interface Stats {
  from: string
  to: string
  total: StatRow
  by_station: StatRow[]
  by_item: StatRow[]
  by_month: StatRow[]
  waiting_note: string
}

export interface StatsFilter {
  from?: string
  to?: string
  station?: string
  item?: string
}

export interface CaseSearch {
  q?: string
  state?: string
  station?: string
  item?: string
  from?: string
  to?: string
  limit?: number
  offset?: number
}
