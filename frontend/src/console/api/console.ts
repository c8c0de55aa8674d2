import { API_BASE, query, request } from './client'
import type {
  Access,
  ActionInput,
  BadReview,
  CalendarYear,
  Callback,
  CallbackInput,
  CaseAction,
  CaseRow,
  CaseSearch,
  CaseView,
  CatalogItem,
  Enrolment,
  Item,
  PublishResult,
  Staff,
  StationInfo,
  Stats,
  StatsFilter,
  YearSpec,
} from './types'

/**
 * The hall console's API: one function per endpoint of hall/console. Only
 * this file and client.ts know URLs.
 */
export const api = {
  signIn: (login: string, password: string) => request<Staff>('POST', '/session', { login, password }),
  me: () => request<Staff>('GET', '/session'),
  signOut: () => request<{ ok: boolean }>('POST', '/signout', {}),

  inbox: () => request<CaseRow[]>('GET', '/inbox'),
  searchCases: (s: CaseSearch) => request<CaseRow[]>('GET', '/cases' + query({ ...s })),
  // POST: the ID number stays out of URLs and server logs.
  enquiry: (applicant: string, purpose: string) => request<CaseRow[]>('POST', '/enquiry', { applicant, purpose }),
  showCase: (id: string) => request<CaseView>('GET', `/cases/${encodeURIComponent(id)}`),
  unmaskCase: (id: string, purpose: string) => request<CaseView>('POST', `/cases/${encodeURIComponent(id)}/unmask`, { purpose }),
  caseAction: (id: string, action: CaseAction, input: ActionInput = {}) =>
    request<CaseView>('POST', `/cases/${encodeURIComponent(id)}/${action}`, input),
  caseAccess: (id: string) => request<Access[]>('GET', `/cases/${encodeURIComponent(id)}/access`),
  accessLog: (f: { actor?: string; action?: string; case?: string; limit?: number }) =>
    request<Access[]>('GET', '/access' + query({ ...f })),

  catalog: () => request<CatalogItem[]>('GET', '/catalog'),
  catalogItem: (code: string, version = 0) => request<Item>('GET', `/catalog/${encodeURIComponent(code)}/${version}`),
  publishItem: (item: Item, catalog = '') => request<PublishResult>('POST', '/catalog/items', { item, catalog }),
  setItemStatus: (code: string, version: number, status: string) =>
    request<PublishResult>('POST', `/catalog/${encodeURIComponent(code)}/${version}/status`, { status }),
  publishCatalogFile: (text: string) => request<PublishResult>('POST', '/catalog/publish', text),
  calendar: () => request<CalendarYear[]>('GET', '/calendar'),
  publishCalendar: (y: YearSpec) => request<{ year: number; changed: boolean }>('POST', '/calendar', y),

  stations: () => request<StationInfo[]>('GET', '/stations'),
  enrolStation: (code: string, name: string, region = '') => request<Enrolment>('POST', '/stations', { code, name, region }),
  revokeStation: (code: string) => request<{ ok: boolean }>('POST', `/stations/${encodeURIComponent(code)}/revoke`, {}),

  reviews: (f: { open?: boolean; station?: string } = {}) => request<BadReview[]>('GET', '/reviews' + query({ ...f })),
  recordCallback: (caseID: string, input: CallbackInput) =>
    request<Callback>('POST', `/reviews/${encodeURIComponent(caseID)}`, input),

  stats: (f: StatsFilter) => request<Stats>('GET', '/stats' + query({ ...f })),
  /** statsExcelURL is a link for the browser to download (the cookie goes with it). */
  statsExcelURL: (f: StatsFilter, lang: string) => API_BASE + '/stats.xlsx' + query({ ...f, lang }),
}
