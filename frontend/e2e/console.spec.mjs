// End-to-end test of the hall console in headless Chromium, driven by
// scripts/e2e-console.sh, which starts a hall, enrols a station, forwards
// cases from it and runs the station's syncs between the phases:
//
//   node e2e/console.spec.mjs --phase approve --case NUMBER   approve a forwarded case from the inbox
//   node e2e/console.spec.mjs --phase catalog --item CODE     publish a new version of an item
//   node e2e/console.spec.mjs --phase screens --out DIR       screenshot every screen, zh-CN and en-US
//
// Options: --url (the hall, default http://127.0.0.1:8440), --password (of
// the accounts "approver" and "supervisor"), --case-id (for the screens of
// a case). It uses the system Chromium (/usr/bin/chromium or $CHROMIUM) and
// never downloads a browser. It exits non-zero on a failed check or an
// uncaught error in the page.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { launchChromium } from './chromium.mjs'

const { values: opt } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8440' },
    phase: { type: 'string', default: 'approve' },
    case: { type: 'string' },
    'case-id': { type: 'string' },
    item: { type: 'string', default: '370112-RS-002-01-S' },
    promised: { type: 'string', default: '7' },
    password: { type: 'string', default: 'console-e2e-pw' },
    out: { type: 'string', default: 'screens' },
  },
})
const BASE = opt.url.replace(/\/$/, '') + '/console'
const TIMEOUT = 15000

/** check fails the run with a message unless ok. */
function check(ok, message) {
  if (!ok) throw new Error(`check failed: ${message}`)
  console.log(`ok: ${message}`)
}

/** newPage opens a page in its own context (its own cookies) in a language. */
async function newPage(browser, locale = 'zh-CN') {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale, deviceScaleFactor: 1 })
  await ctx.addInitScript((l) => localStorage.setItem('yizhan.console.locale', l), locale)
  const page = await ctx.newPage()
  page.setDefaultTimeout(TIMEOUT)
  const errors = []
  page.on('pageerror', (e) => errors.push(e))
  page.errors = errors
  return page
}

/** input finds a form field by its data-test name, wherever Element Plus put the attribute. */
function input(scope, name) {
  return scope
    .locator(`input[data-test="${name}"], textarea[data-test="${name}"], [data-test="${name}"] input, [data-test="${name}"] textarea`)
    .first()
}

/** signIn goes to the console, gets sent to the sign-in page, and signs in. */
async function signIn(page, login) {
  await page.goto(`${BASE}/`)
  await page.waitForURL(/\/console\/signin/)
  await input(page, 'login').fill(login)
  await input(page, 'password').fill(opt.password)
  await page.locator('[data-test=signin-submit]').click()
  await page.waitForURL(/\/console\/inbox/)
  await page.locator('[data-test=inbox-table]').waitFor()
}

/** messageShown waits for an Element Plus message of the given type. */
async function messageShown(page, type) {
  await page.locator(`.el-message--${type}`).first().waitFor()
}

async function approve(browser) {
  check(opt.case, '--case names the forwarded case')
  const page = await newPage(browser)
  await signIn(page, 'approver')
  const link = page.locator(`[data-test="case-${opt.case}"]`)
  await link.waitFor()
  check(true, `case ${opt.case} is in the inbox`)
  const row = page.locator('[data-test=inbox-table] .el-table__row', { has: link })
  await row.locator('[data-test=action-approve]').click()
  const dialog = page.locator('.el-dialog').filter({ has: input(page, 'cert-no') })
  await input(dialog, 'cert-no').fill('E2E-CERT-001')
  await dialog.locator('[data-test=action-confirm]').click()
  await messageShown(page, 'success')
  await link.waitFor({ state: 'detached' })
  check(true, `case ${opt.case} left the inbox after approval`)
  check(page.errors.length === 0, `no page errors (${page.errors.map(String).join('; ')})`)
}

async function publishItem(browser) {
  const page = await newPage(browser)
  await signIn(page, 'supervisor')
  await page.locator('[data-test=menu-catalog]').click()
  await page.waitForURL(/\/console\/catalog/)
  const latest = page.locator(`[data-test="latest-${opt.item}"]`)
  await latest.waitFor()
  const before = Number((await latest.textContent()).replace(/\D/g, ''))
  await page.locator(`[data-test="edit-${opt.item}"]`).click()
  const editor = page.locator('.el-dialog').filter({ has: page.locator('[data-test=item-publish]') })
  await input(editor, 'promised-value').waitFor()
  await page.waitForFunction(
    () => (document.querySelector('input[data-test=item-name], [data-test=item-name] input')?.value ?? '') !== '',
    undefined,
    { timeout: TIMEOUT },
  )
  const promised = input(editor, 'promised-value')
  await promised.fill(opt.promised)
  await promised.blur()
  await editor.locator('[data-test=item-publish]').click()
  await messageShown(page, 'success')
  await page.waitForFunction(
    ([code, v]) => document.querySelector(`[data-test="latest-${code}"]`)?.textContent?.includes(`v${v}`),
    [opt.item, before + 1],
    { timeout: TIMEOUT },
  )
  check(true, `${opt.item} is at version ${before + 1} in the console`)
  check(page.errors.length === 0, `no page errors (${page.errors.map(String).join('; ')})`)
}

/** shot saves a screenshot once the page has settled. */
async function shot(page, name, locale) {
  await page.waitForLoadState('networkidle')
  // Freeze CSS transitions (tags zoom in, dialogs fade) and let the charts
  // finish their JS animation, so a busy machine still takes a settled picture.
  await page.addStyleTag({ content: '*, *::before, *::after { transition: none !important; animation: none !important; }' })
  await page.waitForTimeout(name === 'stats' ? 1500 : 500)
  const file = join(opt.out, `console-${name}-${locale}.png`)
  await page.screenshot({ path: file, fullPage: false })
  console.log(`screenshot ${file}`)
}

async function screens(browser) {
  mkdirSync(opt.out, { recursive: true })
  for (const locale of ['zh-CN', 'en-US']) {
    const page = await newPage(browser, locale)
    await page.goto(`${BASE}/signin`)
    await page.locator('[data-test=signin]').waitFor()
    await shot(page, 'signin', locale)
    await signIn(page, 'approver')
    await shot(page, 'inbox', locale)
    if (opt['case-id']) {
      await page.goto(`${BASE}/cases/${opt['case-id']}`)
      await page.locator('[data-test=history]').waitFor()
      await shot(page, 'case', locale)
      await page.goto(`${BASE}/cases/${opt['case-id']}/print/approve`)
      await page.locator('[data-test=notice]').waitFor()
      await shot(page, 'notice', locale)
    }
    await page.goto(`${BASE}/cases`)
    await page.locator('.el-table__row').first().waitFor()
    await shot(page, 'search', locale)
    await page.context().close()

    const sup = await newPage(browser, locale)
    await signIn(sup, 'supervisor')
    for (const [name, path, ready] of [
      ['catalog', 'catalog', '[data-test=catalog-table] .el-table__row'],
      ['calendar', 'calendar', '[data-test=cal-publish]'],
      ['stations', 'stations', '.el-table__row'],
      ['reviews', 'reviews', '.el-table__row'],
      ['stats', 'stats', '[data-test=chart-month] canvas'],
    ]) {
      await sup.goto(`${BASE}/${path}`)
      await sup.locator(ready).first().waitFor()
      await shot(sup, name, locale)
    }
    await sup.goto(`${BASE}/catalog`)
    await sup.locator(`[data-test="edit-${opt.item}"]`).click()
    await sup.waitForFunction(() => (document.querySelector('input[data-test=item-name], [data-test=item-name] input')?.value ?? '') !== '')
    await shot(sup, 'item-editor', locale)
    check(sup.errors.length === 0, `no page errors in ${locale} (${sup.errors.map(String).join('; ')})`)
    await sup.context().close()
  }
}

const browser = await launchChromium()
try {
  switch (opt.phase) {
    case 'approve':
      await approve(browser)
      break
    case 'catalog':
      await publishItem(browser)
      break
    case 'screens':
      await screens(browser)
      break
    default:
      throw new Error(`unknown phase ${opt.phase}`)
  }
} catch (e) {
  console.error(e)
  process.exitCode = 1
} finally {
  await browser.close()
}
