/**
 * Done-when of the resident-record issue: in Debian Chromium a GP logs in, finds a resident by name and by
 * national ID, opens the record and sees the timeline. Demo data (server seed): 张建国, born 1958-03-12,
 * ID 330106195803120173, hypertension, contracted to gp1's team.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LoginPage } from './pages/login.page';
import { ResidentRecordPage } from './pages/resident-record.page';
import { ResidentSearchPage } from './pages/resident-search.page';
import { launchBrowser, newSession, type Session } from './support/browser';
import { RESULTS_DIR } from './support/server';

const baseURL = inject('baseURL');
const skipReason = inject('e2eSkipReason');

const GP = { username: 'gp1', password: 'kanglian2026' };
const ZHANG = { name: '张建国', nationalId: '330106195803120173', maskedId: '330106********0173' };

describe.skipIf(!!skipReason)('resident record, as a GP in Chromium', () => {
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

  it('logs in as the demo GP, lands on the worklist and opens the resident search', async () => {
    await new LoginPage(page).loginAs(GP.username, GP.password);
    await page.waitForURL(/\/worklist/);
    await page.locator('.kl-nav').getByText('居民检索').click();
    const search = new ResidentSearchPage(page);
    await search.input.waitFor();
    // The search box has focus at once, so the doctor can start typing.
    expect(await search.input.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('finds 张建国 by name', async () => {
    const search = new ResidentSearchPage(page);
    await search.search(ZHANG.name);
    const row = search.row(ZHANG.name).first();
    await row.waitFor();
    expect(await row.isVisible()).toBe(true);
    await page.screenshot({ path: path.join(RESULTS_DIR, 'search.png'), animations: 'disabled' });
  });

  it('finds exactly that resident by national ID, shown masked', async () => {
    const search = new ResidentSearchPage(page);
    await search.search(ZHANG.nationalId);
    expect(await search.rows.count()).toBe(1);
    const text = await search.rows.first().innerText();
    expect(text).toContain(ZHANG.name);
    expect(text).toContain(ZHANG.maskedId);
    expect(text).not.toContain(ZHANG.nationalId);
  });

  it('opens the record: header shows the name and the masked national ID', async () => {
    await new ResidentSearchPage(page).open(ZHANG.name);
    const record = new ResidentRecordPage(page);
    await record.waitForHeader();
    expect(await record.name.innerText()).toContain(ZHANG.name);
    expect(await record.nationalId.innerText()).toContain(ZHANG.maskedId);
    expect(await record.header.innerText()).not.toContain(ZHANG.nationalId);
    await page.getByTestId('basic-info').waitFor();
    await page.screenshot({ path: path.join(RESULTS_DIR, 'record-basic.png'), fullPage: true, animations: 'disabled' });
  });

  it('shows the timeline with at least one entry, newest first', async () => {
    const record = new ResidentRecordPage(page);
    await record.openTimeline();
    await record.timelineItems.first().waitFor();
    expect(await record.timelineItems.count()).toBeGreaterThan(0);

    const times = await record.timelineItems.locator('time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime') ?? ''));
    const instants = times.map((t) => Date.parse(t));
    expect([...instants].sort((a, b) => b - a)).toEqual(instants);

    // record.png: the first screen a doctor sees on the timeline tab; record-full.png: the whole page.
    await page.screenshot({ path: path.join(RESULTS_DIR, 'record.png'), animations: 'disabled' });
    await page.screenshot({ path: path.join(RESULTS_DIR, 'record-full.png'), fullPage: true, animations: 'disabled' });
  });
});
