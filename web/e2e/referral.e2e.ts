/**
 * Done-when 5 of the referral issue, in zh-CN across three users: the GP gp1 records an urgent follow-up
 * (BP 186/112) for a hypertension patient of the team and is taken to the prefilled green-channel referral,
 * books today's or tomorrow's cardiology session at 康联市第一人民医院 and sends it; the coordinator coord1
 * accepts it from the incoming queue; the cardiologist specialist1 records the arrival, returns results and
 * down-refers with the hypertension discharge package; back as gp1, the "转回" bucket of the worklist shows
 * the patient with the five dated discharge tasks (first home visit tomorrow, within three days).
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FollowUpPage } from './pages/followup.page';
import { LoginPage } from './pages/login.page';
import { WorklistPage } from './pages/worklist.page';
import { launchBrowser, newSession, type Session } from './support/browser';
import { RESULTS_DIR } from './support/server';

const baseURL = inject('baseURL');
const skipReason = inject('e2eSkipReason');
const PASSWORD = 'kanglian2026';
const HOSPITAL = '第一人民医院';

/** A valid 18-digit national ID (GB 11643 check digit). */
function nationalId(region: string, birth: string, seq: number): string {
  const body = `${region}${birth}${String(seq).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((n, d, i) => n + Number(d) * weights[i]!, 0);
  return body + '10X98765432'[sum % 11]!;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

async function statusText(page: Page): Promise<string> {
  return page.getByTestId('referral-detail').getByTestId('referral-status').first().innerText();
}

async function waitForStatus(page: Page, status: string): Promise<void> {
  await page.locator(`[data-testid="referral-detail"][data-status="${status}"]`).waitFor();
}

describe.skipIf(!!skipReason)('two-way referral across GP, coordinator and specialist in Chromium', () => {
  let browser: Browser;
  let gp: Session;
  let coord: Session;
  let spec: Session;
  let patient: { id: string; name: string };
  let referralUrl = '';

  beforeAll(async () => {
    browser = await launchBrowser();
    gp = await newSession(browser, baseURL);
    coord = await newSession(browser, baseURL);
    spec = await newSession(browser, baseURL);
  });

  afterAll(async () => {
    for (const s of [gp, coord, spec]) await s?.context.close();
    await browser?.close();
  });

  it('the GP records an urgent follow-up and sends the prefilled green-channel referral with a booked slot', async () => {
    const { page } = gp;
    await new LoginPage(page).loginAs('gp1', PASSWORD);
    // A new hypertension patient of the team: registered, signed and enrolled through the API (so no
    // other test's data is touched), then seen by the GP in the follow-up form like any other.
    const me = (await (await page.request.get('/api/auth/me')).json()) as { user?: { teams: { id: string }[] }; teams?: { id: string }[] };
    const teamId = (me.user?.teams ?? me.teams ?? [])[0]!.id;
    const today = ((await (await page.request.get('/api/worklist?bucket=open&limit=1')).json()) as { today: string }).today;
    let registered: { id: string } | null = null;
    const name = '赵立新';
    for (let attempt = 0; attempt < 20 && !registered; attempt++) {
      const res = await page.request.post('/api/residents', { data: { name, nationalId: nationalId('330106', '19600505', 101 + attempt * 2) } });
      if (res.ok()) registered = (await res.json()) as { id: string };
    }
    expect(registered).toBeTruthy();
    patient = { id: registered!.id, name };
    const contract = await page.request.post('/api/contracts', { data: { residentId: patient.id, teamId, packageCode: 'basic', startDate: addDays(today, -200) } });
    expect(contract.status(), await contract.text()).toBe(201);
    const enrol = await page.request.post(`/api/residents/${patient.id}/enrolments`, { data: { programme: 'hypertension', icd10: 'I10', diagnosedOn: addDays(today, -181), enrolledOn: addDays(today, -180) } });
    expect(enrol.status(), await enrol.text()).toBe(201);

    await page.goto(`/residents/${patient.id}/followup/hypertension`);
    const form = new FollowUpPage(page);
    await form.waitForForm();
    await form.enterBp(186, 112);
    await form.waitForClassification('紧急');
    await form.save.click();
    await page.waitForURL(/\/referrals\/new\?/);
    await page.getByTestId('referral-new').waitFor();
    // Prefilled: green channel, the follow-up's reason, the record summary.
    expect(await page.locator('.ant-radio-button-wrapper-checked').innerText()).toBe('绿色通道');
    expect(await page.getByTestId('referral-reason').inputValue()).toContain('紧急转诊');
    expect(await page.getByTestId('referral-summary').innerText()).toContain('I10');

    await page.getByTestId('referral-department').click();
    await page.locator('.ant-select-item-option').filter({ hasText: HOSPITAL }).filter({ hasText: '心内科' }).first().click();
    const sessionRow = page.getByTestId('referral-sessions').getByTestId('session-row').first();
    await sessionRow.waitFor();
    await sessionRow.click();
    const created = page.waitForResponse((res) => res.request().method() === 'POST' && new URL(res.url()).pathname === '/api/referrals');
    await page.getByTestId('referral-submit').click();
    const answer = await created;
    expect(answer.status()).toBe(201);
    expect(((await answer.json()) as { booking: { pool: string } | null }).booking?.pool).toBe('reserved');
    await page.waitForURL(/\/referrals\/[0-9a-f-]{36}$/);
    referralUrl = new URL(page.url()).pathname;
    await waitForStatus(page, 'requested');
    expect(await statusText(page)).toBe('已申请');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'referral-sent.png'), fullPage: true, animations: 'disabled' });
  });

  it('the coordinator accepts it from the incoming queue', async () => {
    const { page } = coord;
    await new LoginPage(page).loginAs('coord1', PASSWORD);
    await page.locator('.kl-nav').getByText('双向转诊').click();
    await page.waitForURL(/\/referrals/);
    const row = page.locator(`[data-testid="referral-row"][data-resident-name="${patient.name}"]`).first();
    await row.waitFor();
    expect(await row.innerText()).toContain('绿色通道');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'referral-queue.png'), animations: 'disabled' });
    await row.getByTestId('referral-open').click();
    await waitForStatus(page, 'requested');
    await page.getByTestId('referral-action-accept').click();
    await waitForStatus(page, 'accepted');
    expect(await statusText(page)).toBe('已接受');
  });

  it('the specialist records the arrival, returns results and down-refers with the discharge package', async () => {
    const { page } = spec;
    await new LoginPage(page).loginAs('specialist1', PASSWORD);
    await page.goto(referralUrl);
    await waitForStatus(page, 'accepted');
    // The record summary travelled with the referral (read through the referral basis).
    expect(await page.getByTestId('referral-summary').innerText()).toContain('I10');
    await page.getByTestId('referral-action-arrive').click();
    await waitForStatus(page, 'in_progress');
    await page.getByTestId('results-diagnosis').fill('原发性高血压3级（很高危）');
    await page.getByTestId('results-findings').fill('24小时动态血压均值158/96mmHg，心脏彩超示左室肥厚');
    await page.getByTestId('results-hba1c').fill('6.1');
    await page.getByTestId('results-submit').click();
    await page.getByTestId('referral-findings').waitFor();
    await page.getByTestId('down-referral-form').waitFor();
    expect(await page.getByTestId('down-diagnosis').inputValue()).toBe('原发性高血压3级（很高危）');
    await page.getByTestId('down-tasks').locator('tbody tr').nth(4).waitFor();
    await page.getByTestId('down-medications').fill('调整 氨氯地平 10mg 每日一次\n新增 缬沙坦 80mg 每日一次');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'referral-down.png'), fullPage: true, animations: 'disabled' });
    await page.getByTestId('down-submit').click();
    await waitForStatus(page, 'completed');
    expect(await statusText(page)).toBe('已完成');
    await page.getByTestId('referral-child').waitFor();
  });

  it('the GP’s 转回 bucket shows the patient with the dated discharge tasks', async () => {
    const { page } = gp;
    const worklist = new WorklistPage(page);
    await worklist.openFromNav();
    const answer = await worklist.openBucket('referred_back');
    const row = worklist.row(patient.name).filter({ has: page.getByTestId('worklist-discharge-task') }).first();
    await row.waitFor();
    const tasks = row.getByTestId('worklist-discharge-task');
    expect(await tasks.count()).toBe(5);
    // The hypertension template from today's discharge: first home visit tomorrow (within 3 days), return at 4 weeks.
    expect(await tasks.first().getAttribute('data-due')).toBe(addDays(answer.today, 1));
    expect(await tasks.first().getAttribute('data-window-end')).toBe(addDays(answer.today, 3));
    expect(await tasks.last().getAttribute('data-due')).toBe(addDays(answer.today, 28));
    expect(await row.innerText()).toContain('出院后首次家访');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'referral-worklist.png'), animations: 'disabled' });
  });
});
