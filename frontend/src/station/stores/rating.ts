import { ElMessage, ElMessageBox } from 'element-plus'
import { defineStore } from 'pinia'
import * as api from '../api/counter'
import { i18n, errorText } from '../i18n'
import { useQueueStore } from './queue'

/**
 * useRatingStore is the clerk's side of 一次一评: after a visit the clerk's
 * screen offers the rating, and the citizen gives it on the rating pad of
 * this window (the #/pad page on a tablet or second screen), never on the
 * clerk's own screen.
 */
export const useRatingStore = defineStore('rating', () => {
  /** invite sends the invitation to this window's pad; true when sent. */
  async function invite(ticketID: string, caseID: string): Promise<boolean> {
    const queue = useQueueStore()
    const { t } = i18n.global
    try {
      const inv = await api.inviteRating(queue.windowNo, ticketID, caseID)
      ElMessage.success(t('evaluation.invited', { window: inv.window }))
      return true
    } catch (e) {
      ElMessage.error(errorText(e))
      return false
    }
  }

  /** offer asks the clerk whether to invite a rating, then sends it. */
  async function offer(ticketID: string, caseID: string, ticketNumber = ''): Promise<boolean> {
    const { t } = i18n.global
    try {
      await ElMessageBox.confirm(
        ticketNumber ? t('evaluation.promptTicket', { number: ticketNumber }) : t('evaluation.promptCase'),
        t('evaluation.promptTitle'),
        { confirmButtonText: t('evaluation.promptYes'), cancelButtonText: t('evaluation.promptNo'), type: 'info' },
      )
    } catch {
      return false
    }
    return invite(ticketID, caseID)
  }

  return { invite, offer }
})
