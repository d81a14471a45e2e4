import type { Locator, Page, Response } from 'playwright-core';

export type Bucket = 'due_this_week' | 'overdue' | 'urgent' | 'referred_back' | 'open';

export interface WorklistAnswer {
  today: string;
  counts: Record<Bucket, number>;
  items: { residentName: string; windowEnd: string }[];
}

const isWorklistAnswer = (bucket: Bucket) => (res: Response) =>
  res.url().includes('/api/worklist?') && new URL(res.url()).searchParams.get('bucket') === bucket && res.request().method() === 'GET';

export class WorklistPage {
  readonly table: Locator;
  readonly rows: Locator;

  constructor(private readonly page: Page) {
    this.table = page.getByTestId('worklist-table');
    this.rows = this.table.getByTestId('worklist-row');
  }

  /** Opens 工作清单 from the top navigation, as a user would. */
  async openFromNav(): Promise<void> {
    await this.page.locator('.kl-nav').getByText('工作清单').click();
    await this.page.waitForURL(/\/worklist/);
    await this.waitForList();
  }

  /** Waits until the table shows a finished answer (no request in flight). */
  async waitForList(bucket?: Bucket): Promise<void> {
    const selector = bucket
      ? `[data-testid="worklist-table"][data-loading="false"][data-bucket="${bucket}"]`
      : '[data-testid="worklist-table"][data-loading="false"]';
    await this.page.locator(selector).waitFor();
  }

  /** Clicks a bucket tab and returns the server's answer for it (its `today`, counts and items). */
  async openBucket(bucket: Bucket): Promise<WorklistAnswer> {
    const answered = this.page.waitForResponse(isWorklistAnswer(bucket));
    await this.page.getByTestId(`bucket-${bucket}`).click();
    const res = await answered;
    if (!res.ok()) throw new Error(`worklist ${bucket} answered HTTP ${res.status()}: ${await res.text()}`);
    await this.waitForList(bucket);
    return (await res.json()) as WorklistAnswer;
  }

  row(residentName: string): Locator {
    return this.table.locator(`[data-testid="worklist-row"][data-resident-name="${residentName}"]`);
  }

  async followUp(residentName: string): Promise<void> {
    await this.row(residentName).first().getByTestId('worklist-followup').click();
    await this.page.waitForURL(/\/residents\/[0-9a-f-]{36}\/followup\/(hypertension|diabetes)/);
  }
}
