// The browser of every e2e script (console.spec.mjs, day.spec.mjs,
// screens.mjs): the system Chromium (/usr/bin/chromium or $CHROMIUM),
// headless, through playwright-core, which never downloads a browser.

import { chromium } from 'playwright-core'

/** launchChromium starts the system Chromium headless, without the services that phone home. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
    ],
  })
}
