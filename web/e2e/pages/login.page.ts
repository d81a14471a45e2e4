import type { Page } from 'playwright-core';

export class LoginPage {
  constructor(private readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto('/login');
    await this.page.getByTestId('login-username').waitFor();
  }

  /** Fills the form and submits; does not wait for the outcome. */
  async submit(username: string, password: string): Promise<void> {
    await this.page.getByTestId('login-username').fill(username);
    await this.page.getByTestId('login-password').fill(password);
    await this.page.getByTestId('login-submit').click();
  }

  /**
   * Logs in and waits for the landing page: the worklist for the family-doctor team, the resident search for
   * hospital staff, the break-the-glass review for institution administrators, the KPIs for the others.
   */
  async loginAs(username: string, password: string): Promise<void> {
    await this.goto();
    await this.submit(username, password);
    await this.page.waitForURL(/\/(worklist|residents|access-review|kpi)(\?|$|\/)/);
  }

  errorText(): Promise<string> {
    return this.page.getByTestId('login-error').innerText();
  }
}
