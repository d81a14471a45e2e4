import type { Locator, Page, Response } from 'playwright-core';

export type ReviewStatus = 'pending' | 'reviewed' | 'all';

const isListAnswer = (status: ReviewStatus) => (res: Response) =>
  res.url().includes('/api/audit/break-glass?') &&
  new URL(res.url()).searchParams.get('status') === status &&
  res.request().method() === 'GET';

/** 紧急访问审核 (/access-review): the institution administrator's list of break-the-glass accesses. */
export class AccessReviewPage {
  readonly table: Locator;
  readonly rows: Locator;

  constructor(private readonly page: Page) {
    this.table = page.getByTestId('review-table');
    this.rows = this.table.getByTestId('review-row');
  }

  /** Waits until the list for a status has its answer on screen. */
  async waitForList(status: ReviewStatus): Promise<void> {
    await this.page.locator(`[data-testid="review-table"][data-loading="false"][data-status="${status}"]`).waitFor();
  }

  /** Clicks a status tab and waits for the server's answer and the list. */
  async openStatus(status: ReviewStatus): Promise<void> {
    const answered = this.page.waitForResponse(isListAnswer(status));
    await this.page.getByTestId(`review-status-${status}`).click();
    await answered;
    await this.waitForList(status);
  }

  /** The row of one access, found by its (unique) reason. */
  row(reason: string): Locator {
    return this.rows.filter({ hasText: reason });
  }

  /** Marks an access 合理 or 不合理 with a note, and waits for the server to record it (204). */
  async review(reason: string, outcome: 'justified' | 'unjustified', note: string): Promise<void> {
    await this.row(reason).getByTestId(`review-${outcome}`).click();
    await this.page.getByTestId('review-note').fill(note);
    const recorded = this.page.waitForResponse((res) => /\/api\/audit\/break-glass\/[0-9a-f-]{36}\/review$/.test(res.url()));
    await this.page.getByTestId('review-submit').click();
    const res = await recorded;
    if (res.status() !== 204) throw new Error(`review answered HTTP ${res.status()}: ${await res.text()}`);
  }
}
