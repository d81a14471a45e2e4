/**
 * Break-the-glass from both ends. gp2 (a GP of the second centre, no relationship to 张建国) finds him by
 * national ID, is refused, breaks the glass, and the record then offers the emergency note and none of the home
 * team's actions (contract, follow-up, screening, enrolment, self-care). Both institutions review it: `admin1`,
 * the administrator of 张建国's own centre (the patient's side), lands on the review page, finds that access
 * pending, judges it 合理 with a note, and finds it under 已审核.
 *
 * The emergency note is only offered here, never sent: its endpoint may not exist on every server.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AccessReviewPage } from './pages/access-review.page';
import { LoginPage } from './pages/login.page';
import { ResidentRecordPage } from './pages/resident-record.page';
import { ResidentSearchPage } from './pages/resident-search.page';
import { launchBrowser, newSession, type Session } from './support/browser';
import { RESULTS_DIR } from './support/server';

const baseURL = inject('baseURL');
const skipReason = inject('e2eSkipReason');

const PASSWORD = 'kanglian2026';
const ZHANG = { name: '张建国', nationalId: '330106195803120173' };
/** The administrator of 张建国's centre: the patient's institution reviews the access too. */
const PATIENT_ADMIN = 'admin1';
/** Unique per run, so the row is found among accesses made by other tests against the same server. */
const REASON = `患者胸痛来本院急诊，意识模糊，需要了解既往病史和长期用药 #${Date.now().toString(36)}`;

/** Everything the home team may do that must not be offered under break-the-glass. */
const HOME_TEAM_ACTIONS = [
  'care-actions',
  'action-sign',
  'action-screening',
  'action-enrol',
  'action-followup',
  'action-self-care',
  'contract-renew',
  'contract-change-team',
  'contract-terminate',
  'programme-followup-hypertension',
  'programme-followup-diabetes',
];

describe.skipIf(!!skipReason)('break-the-glass: what the doctor is offered, and the review', () => {
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

  it('lets gp2 break the glass on 张建国 and then offers only the emergency note', async () => {
    await new LoginPage(page).loginAs('gp2', PASSWORD);
    // A GP's day starts on the team worklist.
    await page.waitForURL(/\/worklist/);

    const search = new ResidentSearchPage(page);
    await search.goto();
    await search.search(ZHANG.nationalId);
    expect(await search.rows.count()).toBe(1);
    await search.open(ZHANG.name);
    const residentPath = new URL(page.url()).pathname;

    // No care relationship: refused, and asked for a reason.
    const record = new ResidentRecordPage(page);
    await record.breakGlassReason.waitFor();
    expect(await record.header.count()).toBe(0);
    await record.requestEmergencyAccess(REASON);
    expect(await record.name.innerText()).toContain(ZHANG.name);

    // The banner says so, with the end of the access, and carries the one action offered.
    const banner = page.getByTestId('break-glass-active');
    await banner.waitFor();
    expect(await page.getByTestId('break-glass-until').innerText()).toMatch(/紧急访问中，有效期至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    await page.getByTestId('emergency-note-open').waitFor();

    // The 慢病管理 tab shows the home team's contract and programmes, read-only.
    const contractsAnswered = page.waitForResponse((res) => res.url().endsWith(`/api${residentPath}/contracts`));
    await record.openTab('programmes');
    await page.getByTestId('programmes-tab').waitFor();
    const contracts = await contractsAnswered;
    await page.waitForFunction(() => !document.querySelector('[data-testid="programmes-tab"] .ant-spin-spinning'), undefined, {
      timeout: 10_000,
    });
    // The home team's contract is listed (where the server shows contracts under break-the-glass), without its actions.
    if (contracts.ok()) expect(await page.getByTestId('contracts-table').locator('tbody tr.ant-table-row').count()).toBeGreaterThan(0);
    for (const testId of HOME_TEAM_ACTIONS) {
      expect(await page.getByTestId(testId).count(), `${testId} is offered under break-the-glass`).toBe(0);
    }
    await page.screenshot({ path: path.join(RESULTS_DIR, 'break-glass-actions.png'), fullPage: true, animations: 'disabled' });

    // The emergency note opens its form (not sent here).
    await page.getByTestId('emergency-note-open').click();
    await page.getByTestId('emergency-note-text').waitFor();
    await page.screenshot({ path: path.join(RESULTS_DIR, 'emergency-note.png'), animations: 'disabled' });
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /取\s*消/ })
      .click();
    await page.getByTestId('emergency-note-text').waitFor({ state: 'detached' });

    // A follow-up form reached by its address is refused as well.
    await page.goto(`${residentPath}/followup/hypertension`);
    await page.getByTestId('followup-refused').waitFor();
    expect(await page.getByTestId('followup-refused').innerText()).toContain('紧急访问期间不能记录随访');
  });

  it("lands gp2's administrator on the review page, where the access is judged 合理 and moves to 已审核", async () => {
    const admin = await newSession(browser, baseURL);
    try {
      const p = admin.page;
      await new LoginPage(p).loginAs(PATIENT_ADMIN, PASSWORD);
      await p.waitForURL(/\/access-review/);
      // The administrator's navigation: the review and the KPIs, not the resident search the server refuses.
      const nav = p.locator('.kl-nav');
      await nav.getByText('紧急访问审核').waitFor();
      expect(await nav.getByText('居民检索').count()).toBe(0);

      const review = new AccessReviewPage(p);
      await review.waitForList('pending');
      const row = review.row(REASON);
      await row.waitFor();
      const rowText = await row.innerText();
      expect(rowText).toContain('刘洋');
      // The resident only by masked national ID.
      expect(rowText).toContain('330106********0173');
      expect(rowText).not.toContain(ZHANG.nationalId);
      await p.screenshot({ path: path.join(RESULTS_DIR, 'access-review.png'), animations: 'disabled' });

      await review.review(REASON, 'justified', '急诊抢救，查阅既往史与用药理由充分');
      await row.waitFor({ state: 'detached' });

      await review.openStatus('reviewed');
      const reviewed = review.row(REASON);
      await reviewed.waitFor();
      const result = reviewed.getByTestId('review-result');
      expect(await result.getAttribute('data-outcome')).toBe('justified');
      expect(await result.innerText()).toContain('合理');
      // Nothing left to judge on it.
      expect(await reviewed.getByTestId('review-justified').count()).toBe(0);
    } finally {
      await admin.context.close();
    }
  });
});
