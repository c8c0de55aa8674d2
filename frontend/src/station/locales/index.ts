/**
 * The interface strings, one file per area and language (zh-CN first: it is
 * the default and the reference). Each area file holds its own top-level
 * keys; the messages of a language are the union of its area files.
 */
import enCases from './en-US/cases.json'
import enCommon from './en-US/common.json'
import enDashboard from './en-US/dashboard.json'
import enEvaluation from './en-US/evaluation.json'
import enIntake from './en-US/intake.json'
import enKiosk from './en-US/kiosk.json'
import enPrint from './en-US/print.json'
import enQueue from './en-US/queue.json'
import enSession from './en-US/session.json'
import enSettings from './en-US/settings.json'
import enSync from './en-US/sync.json'
import zhCases from './zh-CN/cases.json'
import zhCommon from './zh-CN/common.json'
import zhDashboard from './zh-CN/dashboard.json'
import zhEvaluation from './zh-CN/evaluation.json'
import zhIntake from './zh-CN/intake.json'
import zhKiosk from './zh-CN/kiosk.json'
import zhPrint from './zh-CN/print.json'
import zhQueue from './zh-CN/queue.json'
import zhSession from './zh-CN/session.json'
import zhSettings from './zh-CN/settings.json'
import zhSync from './zh-CN/sync.json'

/** The area files of each language, by area name, for the completeness test. */
export const areas = {
  'zh-CN': {
    common: zhCommon,
    session: zhSession,
    queue: zhQueue,
    intake: zhIntake,
    cases: zhCases,
    print: zhPrint,
    evaluation: zhEvaluation,
    dashboard: zhDashboard,
    sync: zhSync,
    settings: zhSettings,
    kiosk: zhKiosk,
  },
  'en-US': {
    common: enCommon,
    session: enSession,
    queue: enQueue,
    intake: enIntake,
    cases: enCases,
    print: enPrint,
    evaluation: enEvaluation,
    dashboard: enDashboard,
    sync: enSync,
    settings: enSettings,
    kiosk: enKiosk,
  },
}

export const zhCN = {
  ...zhCommon,
  ...zhSession,
  ...zhQueue,
  ...zhIntake,
  ...zhCases,
  ...zhPrint,
  ...zhEvaluation,
  ...zhDashboard,
  ...zhSync,
  ...zhSettings,
  ...zhKiosk,
}

export const enUS = {
  ...enCommon,
  ...enSession,
  ...enQueue,
  ...enIntake,
  ...enCases,
  ...enPrint,
  ...enEvaluation,
  ...enDashboard,
  ...enSync,
  ...enSettings,
  ...enKiosk,
}
