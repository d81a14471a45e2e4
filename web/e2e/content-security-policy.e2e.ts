/**
 * The server's Content-Security-Policy (helmet, server/src/http/security-headers.ts) must let the built UI run
 * untouched: every page visited here reports each `securitypolicyviolation` the browser raises, and there must be
 * none — the log-in page, the resident search and record (Ant Design's injected styles), the KPI dashboard
 * (ECharts on canvas) and the Swagger UI at /docs.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KpiPage } from './pages/kpi.page';
import { LoginPage } from './pages/login.page';
import { ResidentRecordPage } from './pages/resident-record.page';
import { ResidentSearchPage } from './pages/resident-search.page';
import { launchBrowser, newSession, type Session } from './support/browser';

const baseURL = inject('baseURL');
const skipReason = inject('e2eSkipReason');

interface Violation {
  page: string;
  directive: string;
  blocked: string;
}

/** A session that reports every CSP violation of every document it loads. */
async function watchedSession(browser: Browser, violations: Violation[]): Promise<Session> {
  const session = await newSession(browser, baseURL);
  await session.context.exposeBinding('__reportCspViolation', (_source, v: Violation) => {
    violations.push(v);
  });
  await session.context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __reportCspViolation: (v: unknown) => void }).__reportCspViolation;
      report({ page: location.pathname, directive: e.effectiveDirective, blocked: e.blockedURI });
    });
  });
  return session;
}

describe.skipIf(!!skipReason)('the content security policy lets the UI run', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('sends the policy with the UI', async () => {
    const res = await fetch(`${baseURL}/login`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('a GP searches and opens a record without a violation', async () => {
    const violations: Violation[] = [];
    const { context, page } = await watchedSession(browser, violations);
    try {
      await new LoginPage(page).loginAs('gp1', 'kanglian2026');
      const search = new ResidentSearchPage(page);
      // The GP lands on the worklist; the search is one click (or address) away.
      await search.goto();
      await search.search('张建国');
      await search.open('张建国');
      const record = new ResidentRecordPage(page);
      await record.waitForHeader();
      await record.openTab('timeline');
      await record.timeline.waitFor();
    } finally {
      await context.close();
    }
    expect(violations).toEqual([]);
  });

  it('the KPI dashboard draws its chart without a violation', async () => {
    const violations: Violation[] = [];
    const { context, page } = await watchedSession(browser, violations);
    try {
      await new LoginPage(page).loginAs('commission1', 'kanglian2026');
      const kpi = new KpiPage(page);
      if (!/\/kpi/.test(page.url())) await kpi.openFromNav();
      await kpi.cards.first().waitFor();
      await kpi.waitForChart();
    } finally {
      await context.close();
    }
    expect(violations).toEqual([]);
  });

  it('the API documentation renders without a violation', async () => {
    const violations: Violation[] = [];
    const { context, page } = await watchedSession(browser, violations);
    try {
      await page.goto('/docs/');
      await page.locator('.swagger-ui .info .title').waitFor();
      await page.locator('.opblock').first().waitFor();
    } finally {
      await context.close();
    }
    expect(violations).toEqual([]);
  });
});
