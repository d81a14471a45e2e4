import type { Locator, Page } from 'playwright-core';

export class ResidentSearchPage {
  readonly input: Locator;
  readonly results: Locator;
  readonly rows: Locator;

  constructor(private readonly page: Page) {
    this.input = page.getByTestId('search-input');
    this.results = page.getByTestId('search-results');
    this.rows = this.results.locator('tbody tr[data-row-key]');
  }

  async goto(): Promise<void> {
    await this.page.goto('/residents');
    await this.input.waitFor();
  }

  /** Types the query, presses Enter (keyboard use, as at the desk) and waits for this query's answer. */
  async search(q: string): Promise<void> {
    await this.input.fill(q);
    const answered = this.page.waitForResponse(
      (res) => res.url().includes('/api/residents?') && new URL(res.url()).searchParams.get('q') === q,
    );
    await this.input.press('Enter');
    const res = await answered;
    if (!res.ok()) throw new Error(`search "${q}" answered HTTP ${res.status()}: ${await res.text()}`);
    await this.results.waitFor();
    await this.page.waitForFunction(
      () => !document.querySelector('[data-testid="search-results"] .ant-spin-spinning'),
      undefined,
      { timeout: 10_000 },
    );
  }

  row(name: string): Locator {
    return this.rows.filter({ hasText: name });
  }

  async open(name: string): Promise<void> {
    await this.row(name).first().click();
    await this.page.waitForURL(/\/residents\/[0-9a-f-]{36}/);
  }
}
