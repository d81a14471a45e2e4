import type { Locator, Page } from 'playwright-core';

/** The run nurse's phone view (/sterile-supply/run): today's run, its stops, one stop's checklist. */
export class SupplyRunPage {
  constructor(private readonly page: Page) {}

  async openStop(order: number): Promise<string> {
    await this.page.getByTestId('run-card').waitFor();
    await this.page.getByTestId(`stop-${order}`).click();
    await this.page.getByTestId('stop-checklist').waitFor();
    return this.page.getByTestId('stop-title').innerText();
  }

  /** The data-state (done/current/todo) of every step, in the order shown. */
  async stepStates(): Promise<Record<string, string>> {
    const steps = this.page.locator('[data-testid^="step-"][data-state]');
    const out: Record<string, string> = {};
    for (const el of await steps.all()) {
      const id = (await el.getAttribute('data-testid'))!.replace('step-', '');
      out[id] = (await el.getAttribute('data-state'))!;
    }
    return out;
  }

  async waitForCurrent(step: string): Promise<void> {
    await this.page.locator(`[data-testid="step-${step}"][data-state="current"]`).waitFor();
  }

  async tick(step: string): Promise<void> {
    await this.waitForCurrent(step);
    await this.page.getByTestId(`do-${step}`).click();
  }

  /** Counts each slip line of a kind; `adjust(i, onSlip)` returns what the nurse actually counted. */
  async count(kind: 'reprocess' | 'used', adjust: (i: number, onSlip: number) => number = (_i, n) => n): Promise<number> {
    await this.waitForCurrent(kind === 'reprocess' ? 'reprocess_counted' : 'used_counted');
    const rows = this.page.locator(`[data-testid^="count-row-${kind}-"]`);
    const n = await rows.count();
    for (let i = 0; i < n; i++) {
      const text = await rows.nth(i).innerText();
      const onSlip = Number(/换物单\s*(\d+)/.exec(text)?.[1] ?? 'NaN');
      await this.page.getByTestId(`count-input-${kind}-${i}`).locator('input').fill(String(adjust(i, onSlip)));
    }
    await this.page.getByTestId(`do-count-${kind}`).click();
    return n;
  }

  collectionStatus(): Locator {
    return this.page.getByTestId('collection-status');
  }
}
