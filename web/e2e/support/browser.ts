import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (apt package `chromium`); never downloaded by the tests. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const truthy = (v: string | undefined) => !!v && v !== '0' && v.toLowerCase() !== 'false';

/** In CI, or when asked, a missing browser is a failure rather than a skip. */
export function e2eRequired(): boolean {
  return truthy(process.env.CI) || truthy(process.env.KANGLIAN_REQUIRE_E2E);
}

/**
 * null when the end-to-end tests can run; otherwise why they are skipped.
 * Throws when the browser is missing but the tests are required.
 */
export function e2eSkipReason(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  const reason = `Chromium not found at ${CHROMIUM_PATH} (install Debian's "chromium" package or set CHROMIUM_PATH)`;
  if (e2eRequired()) throw new Error(`${reason}; end-to-end tests are required here (CI or KANGLIAN_REQUIRE_E2E).`);
  console.warn(`\n[e2e] SKIPPED: ${reason}.\n`);
  return reason;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export interface Session {
  context: BrowserContext;
  page: Page;
}

/** A fresh browser context (own cookies) sized like a clinic desktop, in Chinese and China time. */
export async function newSession(browser: Browser, baseURL: string, locale = 'zh-CN'): Promise<Session> {
  const context = await browser.newContext({
    baseURL,
    locale,
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
  });
  context.setDefaultTimeout(20_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  // Surface page errors in the test output: a blank screen is easier to debug with the console error.
  page.on('pageerror', (err) => console.error(`[browser] page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') console.error(`[browser] console: ${msg.text()}`);
  });
  return { context, page };
}
