import type { Locator, Page } from 'playwright-core';

export class FollowUpPage {
  readonly sbp: Locator;
  readonly dbp: Locator;
  readonly fbg: Locator;
  readonly classification: Locator;
  readonly save: Locator;

  constructor(private readonly page: Page) {
    this.sbp = page.getByTestId('followup-sbp');
    this.dbp = page.getByTestId('followup-dbp');
    this.fbg = page.getByTestId('followup-fbg');
    this.classification = page.getByTestId('followup-classification');
    this.save = page.getByTestId('followup-save');
    this.residentName = page.getByTestId('followup-resident-name');
  }

  readonly residentName: Locator;

  /** Waits until the resident is loaded into the header and the form can be saved. */
  async waitForForm(): Promise<void> {
    await this.residentName.waitFor();
    await this.save.waitFor();
  }

  /** Types a blood pressure the way a nurse would (type, Tab, type). */
  async enterBp(sbp: number, dbp: number): Promise<void> {
    await this.sbp.fill(String(sbp));
    await this.sbp.press('Tab');
    await this.dbp.fill(String(dbp));
    await this.dbp.press('Tab');
  }

  /** Waits for the live classification to show a message (it is computed before anything is saved). */
  async waitForClassification(text: string): Promise<string> {
    await this.classification.filter({ hasText: text }).waitFor();
    return this.classification.innerText();
  }
}
