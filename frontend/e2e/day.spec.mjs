// End-to-end test of the station app: one clerk's full day in headless
// Chromium, against `station serve-ui` (the same API the desktop window
// calls) and a real hall. scripts/e2e-station.sh sets everything up:
//
//   node e2e/day.spec.mjs --url http://127.0.0.1:PORT --user head --password PW --hall-bin /path/to/hall
//
// The day: sign in; issue a ticket and call it (the call is spoken, through a
// stubbed speechSynthesis, and shown on the waiting-room display); open a case for it with a
// required material missing; print the one-time correction notice; 补齐材料
// records the photo brought, then 受理; forward; sync with the hall (同步 → 立即同步); the
// hall approves the case (`hall case approve`, run by this script on
// --hall-dir, default $YIZHAN_HALL_DIR); sync again and see 已办结 / 准予;
// the clerk invites a rating and the applicant gives it on the window's
// rating pad (#/pad) before the delivery is recorded, and the delivery by
// EMS is still recorded after it; sync and find the hall has it all; and see
// the dashboard's figures change.
//
// Options: --artifacts DIR (a screenshot of the page when a step fails,
// default the system temp directory). The steps depend on each other, so the
// first failure stops the run; the rest count as not run. It exits non-zero
// on a failed step or an uncaught error in the page, and ends with a line
// "N passed, N failed". It uses the system Chromium (/usr/bin/chromium or
// $CHROMIUM) and never downloads a browser.

import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { selectors } from 'playwright-core'
import { launchChromium } from './chromium.mjs'

const { values: opt } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:34115' },
    user: { type: 'string', default: 'head' },
    password: { type: 'string', default: 'station-e2e-pw' },
    'hall-bin': { type: 'string', default: 'hall' },
    'hall-dir': { type: 'string', default: process.env.YIZHAN_HALL_DIR ?? '' },
    artifacts: { type: 'string', default: join(tmpdir(), 'yizhan-e2e-station') },
  },
})
const BASE = opt.url.replace(/\/$/, '')
const TIMEOUT = 15000
// The case of the day: 最低生活保障审核确认, decided at the hall.
const ITEM = { query: 'zdshbzshqr', name: '最低生活保障审核确认', situation: '1' }
const APPLICANT = { name: '刘桂兰', id: '370112196207080020', phone: '13912340000', address: '示例镇东村 12 号' }
const WAYBILL = 'EA123456789CN'

// The components mark what tests need with data-test="..." (as the console does).
selectors.setTestIdAttribute('data-test')

/** hall runs the hall CLI on the hall's data directory. */
function hall(...args) {
  if (opt['hall-dir']) args.push('--dir', opt['hall-dir'])
  return execFileSync(opt['hall-bin'], args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

const steps = []
/** step registers one named step of the day; they run in order. */
function step(name, fn) {
  steps.push({ name, fn })
}

/** figure reads a dashboard card's value. */
async function figure(page, name) {
  return (await page.getByTestId(`stat-${name}`).locator('.value').innerText()).trim()
}

async function dashboard(page) {
  // A fresh page: the dashboard store shows its last figures while it reloads.
  await page.goto(`${BASE}/#/dashboard`)
  await page.reload()
  await page.getByTestId('stat-today').waitFor()
  return {
    today: await figure(page, 'today'),
    month: await figure(page, 'month'),
    satisfaction: await figure(page, 'satisfaction'),
    ratings: (await page.getByTestId('stat-satisfaction').locator('.sub').innerText()).trim(),
    tickets: (await page.getByTestId('stat-today').locator('.sub').innerText()).trim(),
  }
}

/** openCase goes to the case of the day through the case list. */
async function openCase(page, s) {
  await page.goto(`${BASE}/#/cases`)
  await page.locator('.el-table__row', { hasText: s.number }).first().click()
  await page.getByTestId('case-number').filter({ hasText: s.number }).waitFor()
}

/** runStep clicks a step's button on the case page, fills the dialog with fill, and submits. */
async function runStep(page, kind, fill) {
  await page.getByTestId(`step-${kind}`).click()
  const dialog = page.locator('.step-dialog')
  await dialog.waitFor()
  if (fill) await fill(dialog)
  await dialog.getByTestId('submit').click()
  await dialog.waitFor({ state: 'hidden' })
}

/** expectState waits until the case page shows the state (and result). */
async function expectState(page, state, result) {
  await page.getByTestId('case-state').filter({ hasText: state }).waitFor()
  if (result) await page.getByTestId('case-result').filter({ hasText: result }).waitFor()
}

/** syncNow presses 立即同步 in the sync panel and waits for the hall's answer. */
async function syncNow(page) {
  await page.goto(`${BASE}/#/sync`)
  const button = page.getByTestId('sync-now')
  await button.waitFor()
  // Wait for this sync's own message: mark any earlier one, which may still be fading out.
  await page.evaluate(() => document.querySelectorAll('.el-message').forEach((m) => m.setAttribute('data-seen', '')))
  await button.click()
  const message = page.locator('.el-message:not([data-seen])').first()
  await message.waitFor()
  const text = (await message.innerText()).trim()
  assert.ok((await message.getAttribute('class')).includes('el-message--success') && text.includes('同步完成'), `sync: ${text}`)
  await page.getByTestId('pending-events').filter({ hasText: /^0$/ }).waitFor()
}

// ---- the day ----

step('sign in', async (page, s) => {
  // serve-ui gives every browser a session of its own: this one starts signed out.
  await page.goto(`${BASE}/#/sign-in`)
  await page.getByPlaceholder('请输入工号').fill(opt.user)
  await page.getByPlaceholder('请输入密码').fill(opt.password)
  await page.getByRole('button', { name: '登录' }).click()
  await page.waitForURL(/#\/dashboard/)
  s.before = await dashboard(page)
  console.log(`  dashboard before: ${JSON.stringify(s.before)}`)
})

step('issue a ticket and call it to the window', async (page, s) => {
  await page.goto(`${BASE}/#/queue`)
  await page.getByTestId('issue-ticket').click()
  const number = (await page.getByTestId('issued-number').innerText()).trim()
  assert.match(number, /^[A-Z]?\d+$/, `ticket number ${number}`)
  s.ticket = number
  await page.getByTestId('call-next').click()
  await page.locator('.serving-ticket.mine', { hasText: number }).waitFor()
})

step('the call is announced: spoken, and on the waiting-room display', async (page, s) => {
  // The window number was asked once (at sign-in / settings), not before the call.
  const text = `请 ${s.ticket} 号到 1 号窗口办理`
  const spoken = await page.evaluate(() => window.__spoken)
  assert.ok(
    spoken.some((u) => u.text === text && u.lang === 'zh-CN'),
    `speechSynthesis was asked to say ${JSON.stringify(text)}, got ${JSON.stringify(spoken)}`,
  )
  const display = await page.context().newPage()
  try {
    await display.goto(`${BASE}/#/display`)
    await display.getByTestId('display-latest').filter({ hasText: text }).waitFor()
  } finally {
    await display.close()
  }
})

step('open a case for the ticket with a required material missing', async (page, s) => {
  await page.locator('.serving-ticket.mine', { hasText: s.ticket }).getByTestId('start-intake').click()
  await page.waitForURL(/#\/intake/)
  const search = page.getByPlaceholder(/输入事项名称/)
  await search.fill(ITEM.query)
  await page.locator('.item-picker .result', { hasText: ITEM.name }).first().click()
  await page.locator('.situation-picker').waitFor()
  await page.keyboard.press(ITEM.situation)
  await page.locator('.applicant-form').waitFor()
  await page.locator('input[name=name]').fill(APPLICANT.name)
  await page.locator('input[name=id_number]').fill(APPLICANT.id)
  await page.locator('input[name=phone]').fill(APPLICANT.phone)
  await page.locator('.applicant-form .el-form-item', { hasText: '联系地址' }).locator('input').fill(APPLICANT.address)
  await page.locator('.applicant-form .ok').waitFor()
  await page.getByTestId('intake-next').click()
  await page.locator('.materials-checklist').waitFor()
  // Everything on paper but M6 (the photo, required): it stays missing.
  for (const code of ['M1', 'M2', 'M3', 'M4']) {
    await page.getByTestId(`material-${code}`).getByText('纸质', { exact: true }).click()
  }
  await page.getByTestId(`material-M5`).getByText('容缺', { exact: true }).click()
  const blocking = page.locator('.materials-checklist [data-test=blocking]')
  await blocking.filter({ hasText: '1' }).waitFor()
  assert.ok(await page.getByTestId('material-M6').evaluate((el) => el.classList.contains('blocking')), 'M6 blocks acceptance')
  await page.getByTestId('intake-next').click()
  await page.locator('.intake-confirm').waitFor()
  await page.getByRole('button', { name: '确认收件' }).click()
  await page.locator('.intake-done').waitFor()
  s.number = (await page.locator('.intake-done').getByTestId('case-number').innerText()).trim()
  assert.match(s.number, /\d/, 'case number')
  console.log(`  case ${s.number}`)
})

step('print the one-time correction notice', async (page, s) => {
  await page.getByTestId('request-correction').click()
  const dialog = page.locator('.step-dialog')
  await dialog.locator('.missing', { hasText: '近期二寸免冠彩色照片' }).waitFor()
  await dialog.getByTestId('submit').click()
  await page.waitForURL(/print\/correction/)
  const sheet = page.locator('.sheet')
  await sheet.waitFor()
  const text = await sheet.innerText()
  assert.ok(text.includes('一次性告知'), 'the sheet is the one-time notice')
  assert.ok(text.includes('近期二寸免冠彩色照片'), 'the notice lists the missing photo')
  assert.ok(text.includes(s.number), 'the notice carries the case number')
})

step('补齐材料 records what was brought, then 受理', async (page, s) => {
  await openCase(page, s)
  await expectState(page, '待补正')
  // The applicant brings the photo: the supplement dialog records it (M6 on
  // paper) and says nothing required is left.
  await runStep(page, 'supplement', async (dialog) => {
    // The owed photo starts as brought on paper; nothing required is left.
    await dialog.getByTestId('brought-M6').locator('.el-radio-button.is-active', { hasText: '纸质' }).waitFor()
    await dialog.getByTestId('supplement-ready').waitFor()
  })
  await expectState(page, '已收件')
  await page.waitForFunction(() => !document.querySelector('[data-test=case-material-M6].blocking'))
  assert.equal(await page.getByTestId('blocked-accept').count(), 0, '受理 is not blocked')
  // The correction's reason does not stay on the case.
  assert.equal(await page.getByTestId('case-reason').count(), 0, 'no stale reason after the supplement')
  await runStep(page, 'accept')
  await expectState(page, '已受理')
  assert.equal(await page.getByTestId('case-reason').count(), 0, 'no stale reason on the accepted case')
})

step('forward to the hall: the transfer list of the paper materials prints', async (page, s) => {
  await runStep(page, 'forward')
  await page.waitForURL(/print\/transfer/)
  const sheet = page.locator('.sheet')
  await sheet.waitFor()
  const text = await sheet.innerText()
  assert.ok(text.includes('纸质材料移交清单') && text.includes(s.number), 'the 移交清单 of the case')
  assert.ok(await sheet.getByTestId('transfer-materials').locator('tbody tr').count() >= 5, 'the paper materials are listed')
  await openCase(page, s)
  await expectState(page, '已转报')
})

step('the receipt prints on one A4 page, in Chinese even in the English interface, dated in the station\'s zone', async (page, s) => {
  await page.goto(`${BASE}/#/cases`)
  await page.locator('.el-table__row', { hasText: s.number }).first().click()
  await page.getByTestId('print-receipt').click()
  const sheet = page.locator('.sheet').first()
  await sheet.locator('img').waitFor()
  // Each material with its specification (the photo: 二寸…).
  assert.match(await sheet.getByTestId('print-materials').innerText(), /二寸/, 'the photo carries its specification')
  await page.emulateMedia({ media: 'print' })
  const pdf = (await page.pdf({ format: 'A4', printBackground: true })).toString('latin1')
  await page.emulateMedia({ media: 'screen' })
  const pages = pdf.match(/\/Type\s*\/Page[^s]/g)?.length ?? 0
  assert.equal(pages, 1, 'the receipt is one A4 page')
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()).split('-')
  const zhDate = `${today[0]}年${Number(today[1])}月${Number(today[2])}日`
  assert.equal((await sheet.getByTestId('doc-date').innerText()).trim(), zhDate, 'dated in the station\'s zone')
  // The clerk switches the interface to English: the document stays Chinese.
  const locale = page.locator('.side-menu .locale-switch')
  await locale.getByText('English').click()
  try {
    await page.getByRole('button', { name: 'Print' }).waitFor()
    await page.locator('.sheet').first().locator('h1', { hasText: '收件凭证' }).waitFor()
    await page.getByTestId('english-copy').click()
    await page.locator('.sheet[lang=en-US] h1', { hasText: 'Receipt' }).waitFor()
  } finally {
    await locale.getByText('中文').click()
    await page.getByRole('button', { name: '打印' }).waitFor()
  }
})

step('sync: the hall receives the case', async (page, s) => {
  await syncNow(page)
  const list = JSON.parse(hall('case', 'list', '--limit', '1000', '--json')).items
  const c = list.find((x) => x.number === s.number)
  assert.ok(c, `the hall lists ${s.number}`)
  assert.equal(c.state, 'forwarded')
  s.hallID = c.id
})

step('the hall approves the case', async (page, s) => {
  const out = hall('case', 'approve', s.hallID, '--cert', 'DB2026-0042')
  console.log(`  hall: ${out.trim()}`)
})

step('sync: the station sees it approved (已办结 / 准予)', async (page, s) => {
  await syncNow(page)
  await openCase(page, s)
  await expectState(page, '已办结', '准予')
})

step('the applicant rates before the delivery is recorded, on the window\'s rating pad', async (page) => {
  // 一次一评: the clerk's screen offers the rating and never hosts it.
  assert.equal(await page.locator('.evaluation-pad').count(), 0, 'no rating pad on the clerk\'s screen')
  await page.getByTestId('invite-rating').click()
  const pad = await page.context().newPage()
  try {
    await pad.goto(`${BASE}/#/pad?window=1`)
    await pad.getByTestId('pad-invite').waitFor()
    await pad.locator('.face[data-level="5"]').click()
    await pad.getByTestId('submit').click()
    await pad.getByText('感谢您的评价').waitFor()
  } finally {
    await pad.close()
  }
  await page.reload()
  await page.getByTestId('rated').waitFor()
  // A rating is not a step: the case is still concluded, the delivery next.
  await expectState(page, '已办结', '准予')
  await page.getByTestId('step-start_delivery').waitFor()
})

step('deliver by EMS after the rating', async (page) => {
  await runStep(page, 'start_delivery', async (dialog) => {
    await dialog.locator('.el-radio-button', { hasText: 'EMS' }).click()
    // The address stays empty: EMS posts to the applicant's address.
    await dialog.locator('.el-form-item', { hasText: '运单号' }).locator('input').fill(WAYBILL)
  })
  await expectState(page, '送达中')
  // The masked timeline leaves delivery details out; the applicant panel shows them.
  await page.locator('.applicant-panel', { hasText: 'EMS' }).filter({ hasText: WAYBILL }).waitFor()
  await runStep(page, 'deliver', async (dialog) => {
    await dialog.locator('.el-form-item', { hasText: '签收人' }).locator('input').fill(APPLICANT.name)
  })
  await expectState(page, '已送达')
  await page.getByTestId('rated').waitFor()
  // The pickup ends a visit: the clerk's screen offers a rating (already given today).
  await page.locator('.el-message-box').getByRole('button', { name: '不用了' }).click()
})

step('finish the ticket', async (page, s) => {
  await page.goto(`${BASE}/#/queue`)
  const t = page.locator('.serving-ticket.mine', { hasText: s.ticket })
  // The queue re-renders every second (waiting times tick), which can
  // detach the button between finding it and clicking it: try again.
  for (let i = 0; ; i++) {
    try {
      await t.getByTestId('finish-ticket').click({ timeout: 3000 })
      break
    } catch (err) {
      if (i >= 4) throw err
    }
  }
  await t.waitFor({ state: 'detached' })
  // The visit is over: the clerk's screen offers the rating on the pad.
  const prompt = page.locator('.el-message-box', { hasText: s.ticket })
  await prompt.waitFor()
  await prompt.getByRole('button', { name: '不用了' }).click()
})

step('sync: the hall has the delivery and the rating', async (page, s) => {
  await syncNow(page)
  const c = JSON.parse(hall('case', 'list', '--limit', '1000', '--json')).items.find((x) => x.number === s.number)
  assert.equal(c?.state, 'delivered', 'the case at the hall: delivered, the rating did not end it')
  assert.equal(c?.result, 'approved')
})

step('the dashboard changed', async (page, s) => {
  const after = await dashboard(page)
  console.log(`  dashboard after:  ${JSON.stringify(after)}`)
  assert.equal(Number(after.today), Number(s.before.today) + 1, "today's intake count")
  assert.equal(Number(after.month), Number(s.before.month) + 1, "this month's intake count")
  assert.notEqual(after.tickets, s.before.tickets, "today's tickets")
  assert.notEqual(after.ratings, s.before.ratings, 'the number of ratings')
  assert.match(after.satisfaction, /^\d+(\.\d)?%$/, 'satisfaction')
  // On a station without ratings before, the one very good rating makes it 100%.
  if (s.before.satisfaction === '暂无评价') assert.equal(after.satisfaction, '100%', 'satisfaction after the first rating')
})

step('a keyboard-only intake: Alt+3, type, Enter, Tab — no mouse', async (page, s) => {
  await page.goto(`${BASE}/#/dashboard`)
  await page.getByTestId('stat-today').waitFor()
  await page.keyboard.press('Alt+3')
  await page.waitForURL(/#\/intake/)
  // The item search has the focus: type the pinyin initials, Enter takes the first match.
  await page.locator('.item-picker').waitFor()
  await page.keyboard.type(ITEM.query)
  await page.locator('.item-picker .result.active', { hasText: ITEM.name }).waitFor()
  await page.keyboard.press('Enter')
  await page.locator('.situation-picker').waitFor()
  await page.keyboard.press(ITEM.situation)
  // The applicant's first field has the focus; Enter moves on, as an ID-card reader does.
  await page.locator('.applicant-form').waitFor()
  await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'name')
  for (const v of ['王秀英', '370112195801010020', '13700000001', '示例镇西村 3 号']) {
    await page.keyboard.type(v)
    await page.keyboard.press('Enter')
  }
  // The materials step: the focus lands on the first material's choice.
  await page.locator('.materials-checklist').waitFor()
  await page.waitForFunction(() => !!document.activeElement?.closest('.materials-checklist'))
  // Tab to 其余全部收纸质; Enter does that and nothing more (the step stays).
  for (let i = 0; i < 40; i++) {
    if (await page.evaluate(() => document.activeElement?.getAttribute('data-test') === 'all-paper')) break
    await page.keyboard.press('Tab')
  }
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-test')), 'all-paper', 'Tab reaches 其余全部收纸质')
  await page.keyboard.press('Enter')
  await page.waitForFunction(() => document.querySelectorAll('.materials-checklist .row').length > 0 && !document.querySelector('.materials-checklist .row:not(.done)'))
  assert.equal(await page.locator('.materials-checklist').count(), 1, 'Enter on 其余全部收纸质 stayed on the materials step')
  await page.keyboard.press('Tab') // to 下一步
  await page.keyboard.press('Enter')
  await page.locator('.intake-confirm').waitFor()
  await page.keyboard.press('Enter') // 确认收件 has the focus
  await page.locator('.intake-done').waitFor()
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-test') === 'print-receipt')
  s.keyboardCase = (await page.locator('.intake-done').getByTestId('case-number').innerText()).trim()
  console.log(`  case ${s.keyboardCase}, opened with the keyboard alone`)
  // The case list: Tab to the case and open it with Enter.
  await page.keyboard.press('Alt+4')
  await page.waitForURL(/#\/cases$/)
  const link = page.getByTestId('case-link').filter({ hasText: s.keyboardCase })
  await link.focus()
  await page.keyboard.press('Enter')
  await page.getByTestId('case-number').filter({ hasText: s.keyboardCase }).waitFor()
})

step('at 1024×768 the case page shows its actions before the applicant and materials', async (page) => {
  await page.setViewportSize({ width: 1024, height: 768 })
  try {
    await page.reload()
    const accept = page.getByTestId('step-accept')
    await accept.waitFor()
    const box = await accept.boundingBox()
    const applicant = await page.locator('.applicant-panel').boundingBox()
    assert.ok(box && box.y + box.height <= 768, `受理 is in view at 1024×768 (bottom at ${box && box.y + box.height})`)
    assert.ok(applicant && box.y < applicant.y, 'the actions come before the applicant card')
  } finally {
    await page.setViewportSize({ width: 1366, height: 900 })
  }
})

// ---- runner ----

async function main() {
  mkdirSync(opt.artifacts, { recursive: true })
  const browser = await launchChromium()
  let passed = 0
  let failed = 0
  const pageErrors = []
  try {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' })
    await ctx.addInitScript(() => {
      localStorage.setItem('yizhan.locale', 'zh-CN')
      localStorage.setItem('yizhan.window', '1')
      // The platform's speech synthesis, stubbed: the walk asserts what the
      // waiting room would have heard.
      window.__spoken = []
      Object.defineProperty(window, 'speechSynthesis', {
        configurable: true,
        value: { speak: (u) => window.__spoken.push({ text: u.text, lang: u.lang, volume: u.volume }), cancel: () => {}, getVoices: () => [] },
      })
    })
    const page = await ctx.newPage()
    page.setDefaultTimeout(TIMEOUT)
    page.on('pageerror', (e) => pageErrors.push(e.message))
    const state = {}
    for (const [i, s] of steps.entries()) {
      const t0 = Date.now()
      try {
        await s.fn(page, state)
        passed++
        console.log(`ok ${i + 1} - ${s.name} (${Date.now() - t0} ms)`)
      } catch (e) {
        failed++
        console.log(`not ok ${i + 1} - ${s.name}\n  ${String(e?.stack || e).split('\n').join('\n  ')}`)
        const shot = join(opt.artifacts, `day-failed-${i + 1}.png`)
        await page.screenshot({ path: shot }).then(() => console.log(`  screenshot: ${shot}`), () => undefined)
        break
      }
    }
    if (pageErrors.length) {
      failed++
      console.log(`not ok - uncaught errors in the page:\n  ${pageErrors.join('\n  ')}`)
    }
  } finally {
    await browser.close()
  }
  const notRun = steps.length - passed - (failed && passed < steps.length ? 1 : 0)
  console.log(`\n${passed} passed, ${failed} failed${notRun > 0 ? `, ${notRun} not run` : ''}`)
  process.exit(failed ? 1 : 0)
}

await main()
