/**
 * Done-when of the chronic-care UI issue: the health manager hm1 opens 工作清单, finds 王建华 (hypertension,
 * follow-up 10 days overdue, last visit controlled) under 逾期, records a follow-up with BP 150/95, sees the live
 * classification 首次血压控制不满意 before saving, saves, and is back on the worklist where 王建华 has left 逾期 and
 * is due this week with a deadline 14 days from the server's today. Also a KPI dashboard smoke test.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FollowUpPage } from './pages/followup.page';
import { KpiPage } from './pages/kpi.page';
import { LoginPage } from './pages/login.page';
import { WorklistPage } from './pages/worklist.page';
import { launchBrowser, newSession, type Session } from './support/browser';
import { RESULTS_DIR } from './support/server';

const baseURL = inject('baseURL');
const skipReason = inject('e2eSkipReason');

const WANG = '王建华';
const FIRST_UNCONTROLLED = '首次血压控制不满意，调整用药，2周内随访';

/** YYYY-MM-DD plus whole days (calendar arithmetic in UTC, no time-zone drift). */
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

describe.skipIf(!!skipReason)('worklist → follow-up, as the health manager in Chromium', () => {
  let browser: Browser;
  let session: Session;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    session = await newSession(browser, baseURL);
    page = session.page;
  });

  afterAll(async () => {
    await session?.context.close();
    await browser?.close();
  });

  it('shows 王建华 under 逾期 on the team worklist', async () => {
    await new LoginPage(page).loginAs('hm1', 'kanglian2026');
    const worklist = new WorklistPage(page);
    await worklist.openFromNav();
    const overdue = await worklist.openBucket('overdue');
    expect(overdue.items.map((i) => i.residentName)).toContain(WANG);
    const row = worklist.row(WANG);
    await row.waitFor();
    expect(await row.getByTestId('worklist-days-overdue').innerText()).toMatch(/\d+ 天/);
    expect(await page.getByTestId('bucket-count-overdue').innerText()).toBe(String(overdue.counts.overdue));
    await page.screenshot({ path: path.join(RESULTS_DIR, 'worklist.png'), animations: 'disabled' });
  });

  it('classifies the visit live as BP 150/95 is typed, before anything is saved', async () => {
    const worklist = new WorklistPage(page);
    let saved = false;
    page.on('request', (req) => {
      if (req.method() === 'POST' && /\/api\/residents\/[^/]+\/followups$/.test(new URL(req.url()).pathname)) saved = true;
    });
    await worklist.followUp(WANG);
    const form = new FollowUpPage(page);
    await form.waitForForm();
    expect(await form.residentName.innerText()).toBe(WANG);
    await form.enterBp(150, 95);
    const text = await form.waitForClassification(FIRST_UNCONTROLLED);
    expect(text).toContain('首次控制不满意');
    expect(saved).toBe(false);
    await page.screenshot({ path: path.join(RESULTS_DIR, 'followup.png'), fullPage: true, animations: 'disabled' });
  });

  it('saves, returns to the worklist, and 王建华 is due this week with a 14-day deadline', async () => {
    const worklist = new WorklistPage(page);
    const form = new FollowUpPage(page);
    const savedAnswer = page.waitForResponse(
      (res) => res.request().method() === 'POST' && /\/followups$/.test(new URL(res.url()).pathname),
    );
    const overdueAgain = page.waitForResponse(
      (res) => res.url().includes('/api/worklist?') && new URL(res.url()).searchParams.get('bucket') === 'overdue',
    );
    await form.save.click();
    const saved = await savedAnswer;
    expect(saved.status()).toBe(201);
    expect(((await saved.json()) as { classification: string }).classification).toBe('first_uncontrolled');
    await page.getByTestId('followup-result').waitFor();

    // Back on the worklist it came from (the 逾期 tab), fetched afresh.
    await page.waitForURL(/\/worklist\?.*bucket=overdue/);
    const overdue = (await (await overdueAgain).json()) as { items: { residentName: string }[] };
    await worklist.waitForList('overdue');
    expect(overdue.items.map((i) => i.residentName)).not.toContain(WANG);
    expect(await worklist.row(WANG).count()).toBe(0);

    const thisWeek = await worklist.openBucket('due_this_week');
    const row = worklist.row(WANG);
    await row.waitFor();
    const deadline = addDays(thisWeek.today, 14);
    expect(await row.getByTestId('worklist-deadline').getAttribute('data-window-end')).toBe(deadline);
    expect(await row.innerText()).toContain(deadline);
    await page.screenshot({ path: path.join(RESULTS_DIR, 'worklist-after.png'), animations: 'disabled' });
  });
});

describe.skipIf(!!skipReason)('KPI dashboard, as the health commission in Chromium', () => {
  let browser: Browser;
  let session: Session;

  beforeAll(async () => {
    browser = await launchBrowser();
    session = await newSession(browser, baseURL);
  });

  afterAll(async () => {
    await session?.context.close();
    await browser?.close();
  });

  it('shows indicator cards with numbers and draws the breakdown chart', async () => {
    const { page } = session;
    await new LoginPage(page).loginAs('commission1', 'kanglian2026');
    const kpi = new KpiPage(page);
    await kpi.openFromNav();
    expect(await kpi.cards.count()).toBeGreaterThan(3);
    const timeliness = kpi.cards.and(page.locator('[data-code="followup_timeliness"]'));
    expect(await timeliness.getByTestId('kpi-rate').innerText()).toMatch(/^\d+(\.\d)?%$/);
    expect(await timeliness.innerText()).toContain('目标 ≥90%');
    expect(Number((await timeliness.getByTestId('kpi-denominator').innerText()).replace(/,/g, ''))).toBeGreaterThan(0);
    await timeliness.click();
    await kpi.waitForChart();
    expect(await kpi.chart.locator('canvas').first().isVisible()).toBe(true);
    // Administrators see aggregates only: no drill-down to named residents.
    expect(await page.getByTestId('kpi-gap').count()).toBe(0);
    await page.waitForTimeout(400); // let the bars finish their entry animation for the screenshot
    await page.screenshot({ path: path.join(RESULTS_DIR, 'kpi.png'), fullPage: true, animations: 'disabled' });
  });
});
