import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import { toApiError, type ApiError } from '@shared/errors'
import * as cases from '../api/cases'
import type { Applicant, Case, CaseMaterial, IntakeCheck, Item, ItemSummary, OpenCaseInput } from '../api/types'
import type { Collection } from '../domain/materials'
import { summarize } from '../domain/materials'
import { useCatalogStore } from './catalog'

/** The wizard's steps, in order; "done" follows a successful OpenCase. */
export const INTAKE_STEPS = ['item', 'situation', 'applicant', 'materials', 'confirm'] as const
export type IntakeStep = (typeof INTAKE_STEPS)[number] | 'done'

/** How the applicant is helped: not at all, 帮办 (present) or 代办 (agent alone). */
export type AgentMode = 'none' | 'assist' | 'proxy'

/** A scanned page or photo waiting to be attached once the case exists. */
export interface PendingScan {
  name: string
  mime: string
  base64: string
}

function emptyApplicant(): Applicant {
  return { type: 'person', name: '', id_type: 'resident_id', id_number: '', phone: '', address: '', legal_rep: '', contact: '' }
}

function emptyAgent() {
  return { name: '', id_number: '', phone: '', relationship: '', scope: '', valid_until: '', attorneyPaper: false }
}

/**
 * useIntakeStore runs one intake (受理) from item to receipt: what the clerk
 * chose, the backend's check of it (CheckIntake: warnings and the materials
 * checklist) and the case once opened. One intake at a time per counter.
 */
export const useIntakeStore = defineStore('intake', () => {
  const step = ref<IntakeStep>('item')
  const ticketId = ref('')
  const item = ref<ItemSummary | null>(null)
  const itemDetail = ref<Item | null>(null)
  const situation = ref('')
  const channel = ref('window')
  const applicant = reactive<Applicant>(emptyApplicant())
  const agentMode = ref<AgentMode>('none')
  const agent = reactive(emptyAgent())
  const choices = reactive<Record<string, Collection>>({})
  const certNos = reactive<Record<string, string>>({})
  const scans = reactive<Record<string, PendingScan[]>>({})

  const check = ref<IntakeCheck | null>(null)
  const checking = ref(false)
  const checkError = ref<ApiError | null>(null)
  const opened = ref<Case | null>(null)
  const submitting = ref(false)
  const submitError = ref<ApiError | null>(null)
  const scanErrors = ref<string[]>([])
  let checkSeq = 0

  const hasSituations = computed(() => (itemDetail.value?.situations?.length ?? 0) > 0)

  /** input is the OpenCaseInput the form adds up to. */
  const input = computed<OpenCaseInput>(() => {
    const ap: Applicant = { ...applicant }
    if (ap.type === 'person') {
      ap.id_type = 'resident_id'
      delete ap.legal_rep
    } else {
      ap.id_type = 'uscc'
    }
    const out: OpenCaseInput = {
      item_code: item.value?.code ?? '',
      item_version: item.value?.version ?? 0,
      situation: situation.value || undefined,
      channel: channel.value,
      applicant: ap,
      materials: Object.entries(choices)
        .filter(([, how]) => how !== 'missing')
        .map(([code, how]) => ({ code, collected: how, cert_no: how === 'e_license' ? certNos[code] || undefined : undefined })),
      ticket_id: ticketId.value || undefined,
    }
    if (agentMode.value !== 'none') {
      out.agent = {
        mode: agentMode.value,
        name: agent.name,
        id_number: agent.id_number,
        phone: agent.phone,
        relationship: agent.relationship,
        scope: agent.scope || undefined,
        valid_until: agent.valid_until || undefined,
        attorney_blob: agentMode.value === 'proxy' && agent.attorneyPaper ? 'paper' : undefined,
      }
    }
    return out
  })

  /**
   * checklist is the backend's checklist with the clerk's latest choices
   * laid over it, so the counts move the moment a choice changes.
   */
  const checklist = computed<CaseMaterial[]>(() =>
    (check.value?.materials ?? []).map((m) => ({ ...m, collected: choices[m.code] ?? 'missing' })),
  )
  const summary = computed(() => summarize(checklist.value))

  function clearCheck() {
    check.value = null
    checkError.value = null
  }

  /** reset starts a fresh intake, optionally for a queue ticket. */
  function reset(ticket = '', defaultChannel = 'window') {
    step.value = 'item'
    ticketId.value = ticket
    item.value = null
    itemDetail.value = null
    situation.value = ''
    channel.value = defaultChannel
    Object.assign(applicant, emptyApplicant())
    agentMode.value = 'none'
    Object.assign(agent, emptyAgent())
    for (const k of Object.keys(choices)) delete choices[k]
    for (const k of Object.keys(certNos)) delete certNos[k]
    for (const k of Object.keys(scans)) delete scans[k]
    clearCheck()
    opened.value = null
    submitError.value = null
    scanErrors.value = []
  }

  /** selectItem picks the item and moves on to its situations, or straight to the applicant. */
  async function selectItem(it: ItemSummary) {
    const catalog = useCatalogStore()
    item.value = it
    itemDetail.value = await catalog.detail(it.code)
    situation.value = ''
    for (const k of Object.keys(choices)) delete choices[k]
    clearCheck()
    step.value = hasSituations.value ? 'situation' : 'applicant'
  }

  /** chooseSituation sets the situation ("" for the base list) and moves on. */
  function chooseSituation(code: string) {
    situation.value = code
    for (const k of Object.keys(choices)) delete choices[k]
    clearCheck()
    step.value = 'applicant'
  }

  /**
   * runCheck asks the backend to validate the form as OpenCase would. Only
   * the latest answer counts: a slow reply to an older form is dropped.
   */
  async function runCheck(): Promise<boolean> {
    const seq = ++checkSeq
    checking.value = true
    try {
      const res = await cases.checkIntake(input.value)
      if (seq !== checkSeq) return false
      check.value = res
      checkError.value = null
      return true
    } catch (e) {
      if (seq !== checkSeq) return false
      checkError.value = toApiError(e)
      return false
    } finally {
      if (seq === checkSeq) checking.value = false
    }
  }

  /** setCollection records how one material was collected. */
  function setCollection(code: string, how: Collection) {
    choices[code] = how
    if (how !== 'scan') delete scans[code]
  }

  /** collectAllPaper marks every still-missing material as received on paper. */
  function collectAllPaper() {
    for (const m of check.value?.materials ?? []) {
      if ((choices[m.code] ?? 'missing') === 'missing') choices[m.code] = 'paper'
    }
  }

  /** addScan keeps a scanned file for a material until the case is opened. */
  function addScan(code: string, scan: PendingScan) {
    choices[code] = 'scan'
    ;(scans[code] ??= []).push(scan)
  }

  function goTo(s: IntakeStep) {
    step.value = s
  }

  /** back goes one step back (Esc), skipping the situation step where an item has none. */
  function back() {
    const order: IntakeStep[] = ['item', 'situation', 'applicant', 'materials', 'confirm']
    const i = order.indexOf(step.value)
    if (i <= 0) return
    let prev = order[i - 1]
    if (prev === 'situation' && !hasSituations.value) prev = 'item'
    step.value = prev
  }

  /** toMaterials checks the applicant with the backend and, if it passes, shows the checklist. */
  async function toMaterials(): Promise<boolean> {
    const ok = await runCheck()
    if (ok) step.value = 'materials'
    return ok
  }

  /**
   * open receives the application (OpenCase), then attaches the scans
   * collected during intake. A scan that fails to attach does not undo the
   * case: it is reported so the clerk can add it on the case page.
   */
  async function open(): Promise<Case | null> {
    submitting.value = true
    submitError.value = null
    scanErrors.value = []
    try {
      let c = await cases.openCase(input.value)
      for (const [code, files] of Object.entries(scans)) {
        for (const f of files) {
          try {
            c = await cases.attachScan(c.id, code, f.name, f.mime, f.base64)
          } catch {
            scanErrors.value.push(f.name)
          }
        }
      }
      opened.value = c
      step.value = 'done'
      return c
    } catch (e) {
      submitError.value = toApiError(e)
      return null
    } finally {
      submitting.value = false
    }
  }

  /** requestCorrection sends the one-time correction notice for what is missing. */
  async function requestCorrection(reason: string, extra: string[] = []) {
    if (!opened.value) return
    opened.value = await cases.step(opened.value.id, { kind: 'request_correction', reason, extra })
  }

  /** acceptNow accepts a complete application on the spot (受理). */
  async function acceptNow() {
    if (!opened.value) return
    opened.value = await cases.step(opened.value.id, { kind: 'accept' })
  }

  return {
    step,
    ticketId,
    item,
    itemDetail,
    situation,
    channel,
    applicant,
    agentMode,
    agent,
    choices,
    certNos,
    scans,
    check,
    checking,
    checkError,
    opened,
    submitting,
    submitError,
    scanErrors,
    hasSituations,
    input,
    checklist,
    summary,
    reset,
    selectItem,
    chooseSituation,
    runCheck,
    clearCheck,
    setCollection,
    collectAllPaper,
    addScan,
    goTo,
    back,
    toMaterials,
    open,
    requestCorrection,
    acceptNow,
  }
})
