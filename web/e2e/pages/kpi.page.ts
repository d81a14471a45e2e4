import type { Locator, Page } from 'playwright-core';

export class KpiPage {
  readonly cards: Locator;
  readonly chart: Locator;

  constructor(private readonly page: Page) {
    this.cards = page.getByTestId('kpi-card');
    this.chart = page.getByTestId('kpi-chart');
  }

  async openFromNav(): Promise<void> {
    await this.page.locator('.kl-nav').getByText('绩效指标').click();
    await this.page.waitForURL(/\/kpi/);
    await this.cards.first().waitFor();
  }

  /** The chart is lazily loaded; it has rendered once its canvas is in the container. */
  async waitForChart(): Promise<void> {
    await this.chart.locator('canvas').first().waitFor();
  }
}
