import type { Locator, Page } from 'playwright-core';

export class ResidentRecordPage {
  readonly header: Locator;
  readonly name: Locator;
  readonly nationalId: Locator;
  readonly timeline: Locator;
  readonly timelineItems: Locator;
  readonly breakGlassReason: Locator;
  readonly breakGlassSubmit: Locator;

  constructor(private readonly page: Page) {
    this.header = page.getByTestId('resident-header');
    this.name = page.getByTestId('resident-name');
    this.nationalId = page.getByTestId('resident-national-id');
    this.timeline = page.getByTestId('timeline');
    this.timelineItems = page.getByTestId('timeline-item');
    this.breakGlassReason = page.getByTestId('break-glass-reason');
    this.breakGlassSubmit = page.getByTestId('break-glass-submit');
  }

  async waitForHeader(): Promise<void> {
    await this.header.waitFor();
  }

  async openTab(tab: 'basic' | 'programmes' | 'timeline' | 'access'): Promise<void> {
    await this.page.getByTestId(`tab-${tab}`).click();
  }

  async openTimeline(): Promise<void> {
    await this.openTab('timeline');
    await this.timeline.waitFor();
  }

  async requestEmergencyAccess(reason: string): Promise<void> {
    await this.breakGlassReason.fill(reason);
    await this.breakGlassSubmit.click();
    await this.header.waitFor();
  }
}
