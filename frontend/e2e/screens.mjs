// Screens: drive the built UI in headless Chromium and take a screenshot of
// every screen, for people to look at (and, later, the end-to-end suite).
//
// It talks to `station serve-ui`, which serves frontend/dist and the same
// API the desktop window calls. Set up a station first, e.g.:
//
//   go build -o /tmp/station ./cmd/station
//   /tmp/station --dir /tmp/ui init --code 370112001 --name 示例镇便民服务中心 \
//       --region 370112 --admin head --admin-name 王站长 --admin-password secret123
//   YIZHAN_STATION_USER=head YIZHAN_STATION_PASSWORD=secret123 \
//       /tmp/station --dir /tmp/ui catalog import app/testdata/township-sample.json
//   (cd frontend && npm run build)
//   /tmp/station --dir /tmp/ui serve-ui --listen 127.0.0.1:34115 --assets frontend/dist &
//   node frontend/e2e/screens.mjs --out /tmp/screens
//
// Options: --url (default http://127.0.0.1:34115), --out (default ./screens),
// --user/--password (default head/secret123), --setup-url URL of a second
// serve-ui on an empty data directory (to capture the first-run setup).
// The script seeds a few cases, tickets and ratings through the API when the
// station has fewer than five cases. It uses the system Chromium
// (/usr/bin/chromium or $CHROMIUM) and never downloads a browser. It exits
// non-zero when the page logs an uncaught error.
//
// Docs mode (--docs) instead saves the main screens for docs/screenshots at
// 1366x768, once per language in --lang (default zh-CN,en-US), as
// station-<screen>-<zh|en>.png: sign-in, dashboard, queue, intake (the
// materials step), cases, case-detail, step-supplement, print-receipt,
// print-transfer, sync, settings, display (waiting room), pad (rating pad),
// kiosk, kiosk-rate; and those whose layout changes at 1024x768 again as
// station-<screen>-<zh|en>-1024.png.
// It seeds nothing: fill the station first (scripts/seed-station.sh; `make
// station-screens` does it all). Its selectors do not depend on the language.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { launchChromium } from './chromium.mjs'

const { values: opt } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:34115' },
    out: { type: 'string', default: 'screens' },
    user: { type: 'string', default: 'head' },
    password: { type: 'string', default: 'secret123' },
    'setup-url': { type: 'string' },
    docs: { type: 'boolean', default: false },
    lang: { type: 'string', default: 'zh-CN,en-US' },
  },
})
const BASE = opt.url.replace(/\/$/, '')
mkdirSync(opt.out, { recursive: true })

/** uiSession is this script's own browser session of the adapter: cookie and CSRF token (docs/security.md). */
let uiSession = null

/** api calls a desktop.Station method over the HTTP adapter, in this script's own session. */
async function api(method, ...args) {
  if (!uiSession) {
    const s = await fetch(`${BASE}/api/session`, { method: 'POST', headers: { 'X-Yizhan-CSRF': 'new' } })
    if (!s.ok) throw new Error(`session: ${s.status}`)
    uiSession = { cookie: s.headers.get('set-cookie').split(';')[0], csrf: (await s.json()).csrf }
  }
  const res = await fetch(`${BASE}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: uiSession.cookie, 'X-Yizhan-CSRF': uiSession.csrf },
    body: JSON.stringify({ args }),
  })
  const text = await res.text()
  const body = text ? JSON.parse(text) : undefined
  if (!res.ok) throw new Error(`${method}: ${res.status} ${text}`)
  return body
}

const person = (name, id, phone) => ({ type: 'person', name, id_type: 'resident_id', id_number: id, phone })

/** seed opens cases in several states, issues tickets and records a rating. */
async function seed() {
  await api('SignIn', opt.user, opt.password)
  const page = await api('FindCases', { limit: 1 })
  if (page.total >= 5) {
    // Seeded before: read back the waiting case's number and query password.
    const found = await api('FindCases', { query: '', state: 'received', limit: 1 })
    if (!found.cases.length) return { password: null, number: null }
    const v = await api('RevealCase', found.cases[0].id, 'screens.mjs: kiosk progress')
    return { password: v.case.query_password, number: v.case.number }
  }
  const open = (input) => api('OpenCase', { channel: 'window', ...input })
  const step = (id, input) => api('Step', id, input)

  // 1. Pension registration, on the spot: accepted, concluded, delivered, rated.
  const a = await open({
    item_code: '370112-RS-001-01-S',
    applicant: person('张三', '370112198503150010', '13800138000'),
    materials: [
      { code: 'M1', collected: 'e_license' },
      { code: 'M2', collected: 'paper' },
      { code: 'M3', collected: 'paper' },
    ],
  })
  await step(a.id, { kind: 'accept' })
  await step(a.id, { kind: 'conclude', result: 'approved', cert_no: 'SB2026-0001' })
  await step(a.id, { kind: 'start_delivery', method: 'pickup' })
  await step(a.id, { kind: 'deliver', signed_by: '张三' })
  await api('Evaluate', { case_id: a.id, level: 5, attitude: 5 })

  // 2. Minimum living allowance, papers missing: one-time correction notice.
  const b = await open({
    item_code: '370112-MZ-001-01-S',
    situation: '01',
    applicant: person('李秀英', '370112196207080020', '13912345678'),
    materials: [
      { code: 'M1', collected: 'paper' },
      { code: 'M3', collected: 'e_license' },
    ],
  })
  await step(b.id, { kind: 'request_correction', reason: '申请材料不齐全', extra: ['家庭收入证明需村委会盖章'] })

  // 3. Medical assistance by proxy, complete with 容缺: accepted and forwarded.
  const c = await open({
    item_code: '370112-YB-005-01-S',
    applicant: person('王建国', '370112194005060057', '13700001111'),
    agent: {
      mode: 'proxy',
      name: '王小明',
      id_number: '370112200109220033',
      phone: '15800002222',
      relationship: '孙子',
      attorney_blob: 'paper',
    },
    materials: ['M1', 'M2', 'M3', 'M4', 'M6'].map((code) => ({ code, collected: 'paper' })).concat([{ code: 'M5', collected: 'rongque' }]),
  })
  await step(c.id, { kind: 'accept' })
  await step(c.id, { kind: 'forward' })

  // 4. Temporary assistance at the township: accepted and in process.
  const d = await open({
    item_code: '370112-MZ-003-01-S',
    situation: '01',
    applicant: person('赵敏', '370102197801010043', '0531-88886666'),
    materials: ['M1', 'M2', 'M3', 'M4'].map((code) => ({ code, collected: 'paper' })),
  })
  await step(d.id, { kind: 'accept' })
  await step(d.id, { kind: 'start_process' })

  // 5. A plain receipt, waiting for acceptance.
  const e = await open({
    item_code: '370112-RS-004-01-S',
    situation: '01',
    applicant: person('陈静', '11010519491231002X', '13600136000'),
    materials: [{ code: 'M1', collected: 'paper' }],
  })

  // Queue: a few people waiting, one being served at window 3.
  for (const item of ['', '370112-RS-001-01-S', '370112-MZ-001-01-S', '']) await api('IssueTicket', item)
  await api('CallNext', '3')
  return { password: e.query_password, number: e.number }
}

const errors = []
let n = 0
async function shot(page, name) {
  n++
  const file = join(opt.out, `${String(n).padStart(2, '0')}-${name}.png`)
  await page.waitForTimeout(350)
  await page.screenshot({ path: file, fullPage: false })
  console.log('screenshot', file)
}

function watch(page) {
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    // Failed calls are reported by the response handler below, with the URL.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`)
  })
  page.on('response', (r) => {
    const url = new URL(r.url())
    // An API call may fail on purpose (a wrong password); a missing file may not.
    if (r.status() >= 400 && !url.pathname.startsWith('/api/')) errors.push(`HTTP ${r.status()} ${url.pathname}`)
  })
}

/** docShot saves one docs screenshot, station-<name>-<zh|en>.png. */
/**
 * The window sizes of the docs screenshots: 1366×768 (the usual counter PC)
 * for every screen, and 1024×768 (the smallest screen the app supports) for
 * the screens whose layout changes there.
 */
const DOC_SIZES = [
  { width: 1366, height: 768, suffix: '' },
  { width: 1024, height: 768, suffix: '-1024' },
]
const AT_1024 = new Set(['dashboard', 'queue', 'intake', 'cases', 'case-detail', 'step-supplement', 'settings', 'print-receipt'])

async function docShot(page, name, lang, suffix = '') {
  if (suffix && !AT_1024.has(name)) return
  const file = join(opt.out, `station-${name}-${lang.slice(0, 2)}${suffix}.png`)
  await page.waitForTimeout(400)
  await page.screenshot({ path: file, fullPage: false })
  console.log('screenshot', file)
}

/** pick finds a case through the API: the first in state whose item name contains item (when given). */
async function pick(state, item) {
  const page = await api('FindCases', { state, limit: 100 })
  const c = page.cases.find((x) => !item || x.item_name.includes(item)) ?? page.cases[0]
  if (!c) throw new Error(`no case in state ${state}: seed the station first`)
  return c.id
}

/** docs saves the main screens in each language, for docs/screenshots. */
async function docs() {
  await api('SignIn', opt.user, opt.password)
  const detailID = await pick('delivered', '最低生活保障')
  const receiptID = await pick('received', '就业创业证')
  const correctionID = await pick('correction')
  const forwardedID = await pick('forwarded')
  const inviteID = await pick('accepted')
  const browser = await launchChromium()
  try {
    for (const lang of opt.lang.split(',')) {
      for (const size of DOC_SIZES) {
        const sfx = size.suffix
        const ctx = await browser.newContext({ viewport: { width: size.width, height: size.height }, deviceScaleFactor: 1, locale: lang })
        await ctx.addInitScript((l) => {
          localStorage.setItem('yizhan.locale', l)
          localStorage.setItem('yizhan.window', '1')
        }, lang)
        const page = await ctx.newPage()
        page.setDefaultTimeout(15000)
        watch(page)

        // A new browser context has its own serve-ui session: it starts signed out.
        await page.goto(`${BASE}/#/sign-in`)
        const form = page.locator('.sign-in form')
        await form.locator('button[type=submit]').waitFor()
        await docShot(page, 'sign-in', lang, sfx)
        await form.locator('input[autocomplete=username]').fill(opt.user)
        await form.locator('input[autocomplete=current-password]').fill(opt.password)
        await form.locator('button[type=submit]').click()

        await page.waitForURL(/#\/dashboard/)
        await page.locator('[data-test=stat-today]').waitFor()
        await page.locator('.dashboard-charts canvas').first().waitFor()
        await page.waitForTimeout(1500) // the charts animate in
        await docShot(page, 'dashboard', lang, sfx)

        await page.goto(`${BASE}/#/queue`)
        await page.locator('.serving-ticket').first().waitFor()
        await docShot(page, 'queue', lang, sfx)

        // Intake, at the materials step: four papers, one 容缺, the photo missing.
        await page.goto(`${BASE}/#/intake`)
        await page.locator('.item-picker input').fill('zdshbz')
        await page.locator('.item-picker .result', { hasText: '最低生活保障审核确认' }).first().click()
        await page.locator('.situation-picker').waitFor()
        await page.keyboard.press('1')
        await page.locator('.applicant-form').waitFor()
        await page.locator('input[name=name]').fill('刘桂兰')
        await page.locator('input[name=id_number]').fill('370112196207080020')
        await page.locator('input[name=phone]').fill('13912340000')
        await page.locator('.applicant-form .ok').waitFor()
        await page.locator('[data-test=intake-next]').click()
        await page.locator('.materials-checklist').waitFor()
        const how = (code, value) => page.locator(`[data-test=material-${code}] .el-radio-button:has(input[value=${value}])`).click()
        for (const code of ['M1', 'M2', 'M3', 'M4']) await how(code, 'paper')
        await how('M5', 'rongque')
        await page.mouse.move(0, 0)
        await page.locator('main.content').evaluate((el) => el.scrollTo(0, 0))
        await docShot(page, 'intake', lang, sfx)

        await page.goto(`${BASE}/#/cases`)
        await page.locator('.el-table__row').nth(5).waitFor()
        await docShot(page, 'cases', lang, sfx)

        await page.goto(`${BASE}/#/cases/${detailID}`)
        await page.locator('.case-timeline').waitFor()
        await docShot(page, 'case-detail', lang, sfx)

        // 补齐材料: the dialog records what the applicant brought.
        await page.goto(`${BASE}/#/cases/${correctionID}`)
        await page.locator('[data-test=step-supplement]').click()
        await page.locator('.step-dialog').waitFor()
        await docShot(page, 'step-supplement', lang, sfx)
        await page.keyboard.press('Escape')

        await page.goto(`${BASE}/#/cases/${receiptID}/print/receipt`)
        await page.locator('.sheet img').waitFor()
        await docShot(page, 'print-receipt', lang, sfx)

        await page.goto(`${BASE}/#/cases/${forwardedID}/print/transfer`)
        await page.locator('.sheet img').waitFor()
        await docShot(page, 'print-transfer', lang, sfx)

        await page.goto(`${BASE}/#/sync`)
        await page.locator('.sync-status-card').waitFor()
        await docShot(page, 'sync', lang, sfx)

        await page.goto(`${BASE}/#/settings`)
        await page.locator('.staff-manager .el-table__row').first().waitFor()
        await docShot(page, 'settings', lang, sfx)

        // The waiting-room display and the rating pad of window 1, invited.
        await page.goto(`${BASE}/#/display`)
        await page.locator('[data-test=display-latest]').waitFor()
        await docShot(page, 'display', lang, sfx)
        if (!sfx) await api('InviteRating', '1', '', inviteID)
        await page.goto(`${BASE}/#/pad?window=1`)
        await page.locator('[data-test=pad-invite], [data-test=pad-idle]').first().waitFor()
        await docShot(page, 'pad', lang, sfx)

        await page.goto(`${BASE}/#/kiosk`)
        await page.locator('.kiosk .choices').waitFor()
        await docShot(page, 'kiosk', lang, sfx)
        await page.locator('.choice.rate').click()
        await page.locator('.by-ticket').waitFor()
        await docShot(page, 'kiosk-rate', lang, sfx)
        await ctx.close()
      }
    }
  } finally {
    await browser.close()
  }
  if (errors.length) {
    console.error(`${errors.length} page error(s):\n${errors.join('\n')}`)
    process.exit(1)
  }
}

async function run() {
  const seeded = await seed()
  const browser = await launchChromium()
  try {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
    const page = await ctx.newPage()
    watch(page)
    await page.addInitScript(() => localStorage.setItem('yizhan.window', '3'))

    // Sign in.
    // A new browser context has its own serve-ui session: it starts signed out.
    await page.goto(`${BASE}/#/sign-in`)
    await page.getByRole('button', { name: '登录' }).waitFor()
    await shot(page, 'sign-in')
    await page.getByPlaceholder('请输入工号').fill(opt.user)
    await page.getByPlaceholder('请输入密码').fill(opt.password)
    await page.getByRole('button', { name: '登录' }).click()

    // Dashboard.
    await page.waitForURL(/#\/dashboard/)
    await page.locator('.stat-card').first().waitFor()
    await page.waitForTimeout(1200)
    await shot(page, 'dashboard')

    // Queue.
    await page.goto(`${BASE}/#/queue`)
    await page.locator('.serving-ticket, .empty').first().waitFor()
    await shot(page, 'queue')

    // Intake: item, situation, applicant (typed like an ID-card reader), materials, confirm, done.
    await page.goto(`${BASE}/#/intake`)
    const search = page.getByPlaceholder(/输入事项名称/)
    await search.waitFor()
    await search.fill('dbcx')
    await page.waitForTimeout(500)
    await search.fill('zdshbz')
    await page.waitForTimeout(600)
    await shot(page, 'intake-item')
    await search.press('Enter')
    await page.locator('.situation-picker').waitFor()
    await shot(page, 'intake-situation')
    await page.keyboard.press('1')
    await page.locator('.applicant-form').waitFor()
    await page.locator('input[name=name]').fill('刘桂兰')
    await page.locator('input[name=name]').press('Enter')
    await page.keyboard.type('370112196207080021')
    await page.waitForTimeout(200)
    await shot(page, 'intake-applicant-bad-id')
    await page.locator('input[name=id_number]').fill('')
    await page.keyboard.type('370112196207080020')
    await page.keyboard.press('Enter')
    await page.keyboard.type('13912340000')
    await page.waitForTimeout(1500)
    await shot(page, 'intake-applicant')
    await page.getByRole('button', { name: /下一步/ }).click()
    await page.locator('.materials-checklist').waitFor()
    const rows = page.locator('.materials-checklist .row')
    await rows.nth(0).getByText('纸质', { exact: true }).click()
    await rows.nth(1).getByText('纸质', { exact: true }).click()
    await rows.nth(2).getByText('电子证照', { exact: true }).click()
    await page.waitForTimeout(300)
    await shot(page, 'intake-materials')
    await page.getByRole('button', { name: /下一步/ }).click()
    await page.locator('.intake-confirm').waitFor()
    await shot(page, 'intake-confirm')
    await page.getByRole('button', { name: '确认收件' }).click()
    await page.locator('.intake-done').waitFor()
    await shot(page, 'intake-done')
    await page.getByRole('button', { name: /出具一次性告知书/ }).click()
    await page.locator('.step-dialog').waitFor()
    await shot(page, 'step-correction')
    await page.locator('.step-dialog [data-test=submit]').click()
    await page.waitForURL(/print\/correction/)
    await page.locator('.sheet').waitFor()
    await shot(page, 'print-correction')

    // Case list.
    await page.goto(`${BASE}/#/cases`)
    await page.locator('.el-table__row').first().waitFor()
    await shot(page, 'cases')

    // Case detail of the delivered, rated case; a step dialog; revealing.
    await page.locator('.el-table__row', { hasText: '城乡居民基本养老保险参保登记' }).first().click()
    await page.locator('.case-timeline').waitFor()
    await shot(page, 'case-detail')
    await page.goto(`${BASE}/#/cases`)
    await page.locator('.el-table__row', { hasText: '临时救助' }).first().click()
    await page.locator('.case-actions').waitFor()
    await shot(page, 'case-detail-in-process')
    await page.locator('.case-actions').getByRole('button', { name: '办结' }).click()
    await page.locator('.step-dialog').waitFor()
    await page.locator('.step-dialog').getByText('不予许可').click()
    await shot(page, 'step-conclude')
    await page.keyboard.press('Escape')
    await page.getByRole('button', { name: '查看完整信息' }).click()
    await page.waitForTimeout(300)
    await shot(page, 'reveal')
    await page.keyboard.press('Escape')

    // Printing: the receipt of the waiting case.
    await page.goto(`${BASE}/#/cases`)
    await page.locator('.el-table__row', { hasText: '就业创业证' }).first().click()
    await page.locator('.case-actions').getByRole('button', { name: '收件凭证' }).click()
    await page.locator('.sheet img').waitFor()
    await shot(page, 'print-receipt')
    // What the printer gets: only the sheet (the app's chrome is hidden in print).
    await page.emulateMedia({ media: 'print' })
    await shot(page, 'print-receipt-as-printed')
    await page.pdf({ path: join(opt.out, 'print-receipt.pdf'), format: 'A4', printBackground: true })
    await page.emulateMedia({ media: 'screen' })
    console.log('pdf', join(opt.out, 'print-receipt.pdf'))

    // Sync and settings.
    await page.goto(`${BASE}/#/sync`)
    await page.locator('.sync-status-card').waitFor()
    await shot(page, 'sync')
    await page.goto(`${BASE}/#/settings`)
    await page.locator('.staff-manager .el-table__row').first().waitFor()
    await shot(page, 'settings')

    // Lock and unlock.
    await page.getByRole('button', { name: '锁屏' }).click()
    await page.locator('.lock-overlay').waitFor()
    await shot(page, 'lock')
    await page.locator('.lock-overlay input[type=password]').fill(opt.password)
    await page.locator('.lock-overlay').getByRole('button', { name: '解锁' }).click()
    await page.locator('.lock-overlay').waitFor({ state: 'detached' })

    // Large text, English.
    await page.evaluate(() => {
      localStorage.setItem('yizhan.locale', 'en-US')
      localStorage.setItem('yizhan.largeFont', '1')
    })
    await page.goto(`${BASE}/#/intake`)
    await page.reload()
    await page.locator('.item-picker').waitFor()
    await shot(page, 'intake-large-en')
    await page.goto(`${BASE}/#/cases`)
    await page.locator('.el-table__row').first().waitFor()
    await shot(page, 'cases-large-en')
    await page.evaluate(() => {
      localStorage.setItem('yizhan.locale', 'zh-CN')
      localStorage.setItem('yizhan.largeFont', '0')
    })

    // Kiosk, on a full-HD touch screen.
    const kctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' })
    const kiosk = await kctx.newPage()
    watch(kiosk)
    await kiosk.goto(`${BASE}/#/kiosk`)
    await kiosk.locator('.choices').waitFor()
    await shot(kiosk, 'kiosk-home')
    await kiosk.getByRole('button', { name: /^取号/ }).click()
    await kiosk.locator('.items').waitFor()
    await shot(kiosk, 'kiosk-ticket-choose')
    await kiosk.locator('.item.general').click()
    await kiosk.locator('.issued .number').waitFor()
    await shot(kiosk, 'kiosk-ticket')
    await kiosk.getByRole('button', { name: '完成' }).click()
    await kiosk.getByRole('button', { name: /查询办件进度/ }).click()
    await kiosk.locator('.kiosk-progress').waitFor()
    if (seeded.number) {
      // A scanner types the receipt's QR text and Enter into the number field.
      await kiosk.locator('.big-input').first().fill(`YZ1|receipt|${seeded.number}|370112001|2026-01-01`)
      await kiosk.locator('.big-input').first().press('Enter')
      for (const ch of seeded.password) await kiosk.getByRole('button', { name: ch, exact: true }).click()
    }
    await shot(kiosk, 'kiosk-progress')
    if (seeded.number) {
      await kiosk.getByRole('button', { name: '查询', exact: true }).click()
      await kiosk.locator('.result').waitFor()
      await shot(kiosk, 'kiosk-progress-result')
    }
    await kiosk.getByRole('button', { name: '返回首页' }).click()
    await kiosk.getByRole('button', { name: /服务评价/ }).click()
    await kiosk.locator('.evaluation-pad').waitFor()
    await shot(kiosk, 'kiosk-rate')
    await kctx.close()

    // First-run setup, on an empty station.
    if (opt['setup-url']) {
      const sctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' })
      const setup = await sctx.newPage()
      watch(setup)
      await setup.goto(`${opt['setup-url'].replace(/\/$/, '')}/#/sign-in`)
      await setup.locator('.setup-form').waitFor()
      await shot(setup, 'setup')
      await sctx.close()
    }
  } finally {
    await browser.close()
  }
  if (errors.length) {
    console.error(`${errors.length} page error(s):\n${errors.join('\n')}`)
    process.exit(1)
  }
}

if (opt.docs) await docs()
else await run()
