import type { Locator, Page } from 'playwright-core';

/**
 * Page objects for the admin SPA. They only use roles and labels, so they work against the mocked API and the
 * real server alike (the end-to-end flow reuses them).
 */

export class AuthPageObject {
  constructor(private readonly page: Page) {}

  async logIn(email: string, password: string): Promise<void> {
    await this.page.goto('/login');
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Log in' }).click();
  }

  async signUp(input: { name?: string; email: string; password: string }): Promise<void> {
    await this.page.goto('/signup');
    if (input.name) await this.page.getByLabel('Name').fill(input.name);
    await this.page.getByLabel('Email').fill(input.email);
    await this.page.getByLabel('Password').fill(input.password);
    await this.page.getByRole('button', { name: 'Sign up' }).click();
  }

  error(): Locator {
    return this.page.getByRole('alert');
  }
}

export class ShellObject {
  constructor(private readonly page: Page) {}

  /** Follows a sidebar link; on phone widths the menu is opened first. */
  async navigateTo(label: string): Promise<void> {
    const menu = this.page.getByRole('button', { name: 'Open menu' });
    if (await menu.isVisible()) await menu.click();
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
    await this.heading(label).waitFor();
  }

  heading(name: string): Locator {
    return this.page.getByRole('heading', { level: 1, name, exact: true });
  }

  async logOut(): Promise<void> {
    const menu = this.page.getByRole('button', { name: 'Open menu' });
    if (await menu.isVisible()) await menu.click();
    await this.page.getByRole('button', { name: 'Log out' }).click();
  }
}

export class AccessKeysPageObject {
  constructor(private readonly page: Page) {}

  table(): Locator {
    return this.page.getByRole('table', { name: 'Access keys' });
  }

  row(name: string): Locator {
    return this.table().getByRole('row').filter({ has: this.page.getByRole('cell', { name, exact: false }) });
  }

  /** Creates a key and returns its token from the one-time reveal. */
  async createKey(name: string, options: { description?: string; configuration?: string } = {}): Promise<string> {
    await this.page.getByRole('button', { name: 'Create access key' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Create access key' });
    await dialog.getByLabel('Name').fill(name);
    if (options.description) await dialog.getByLabel('Description').fill(options.description);
    if (options.configuration) await dialog.getByLabel('Configuration').selectOption({ label: options.configuration });
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const token = (await this.page.getByTestId('secret-value').textContent())?.trim() ?? '';
    return token;
  }

  async dismissToken(): Promise<void> {
    await this.page.getByRole('button', { name: 'I have copied it' }).click();
  }

  /** Picks a configuration in the key's row and saves it (picking alone only stages it). */
  async setConfiguration(keyName: string, configuration: string | null): Promise<void> {
    await this.page.getByLabel(`Configuration for ${keyName}`, { exact: true }).selectOption(configuration === null ? { value: '' } : { label: configuration });
    await this.page.getByRole('button', { name: `Save configuration for ${keyName}` }).click();
    await this.page.getByRole('button', { name: `Save configuration for ${keyName}` }).waitFor({ state: 'detached' });
  }

  async revoke(keyName: string): Promise<void> {
    await this.page.getByRole('button', { name: `Revoke ${keyName}` }).click();
    await this.page.getByRole('dialog', { name: 'Revoke access key?' }).getByRole('button', { name: 'Revoke key' }).click();
    await this.page.getByRole('dialog', { name: 'Revoke access key?' }).waitFor({ state: 'hidden' });
  }
}

export class ProviderKeysPageObject {
  constructor(private readonly page: Page) {}

  async add(input: { provider: string; name: string; key: string; priority?: number }): Promise<void> {
    await this.page.getByRole('button', { name: 'Add provider key' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Add provider key' });
    await dialog.getByLabel('Provider').selectOption({ label: input.provider });
    await dialog.getByLabel('Name').fill(input.name);
    await dialog.getByLabel('API key').fill(input.key);
    if (input.priority !== undefined) await dialog.getByLabel('Priority').fill(String(input.priority));
    await dialog.getByRole('button', { name: 'Save key' }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  async delete(name: string): Promise<Locator> {
    await this.page.getByRole('button', { name: `Delete ${name}` }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Delete provider key?' });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    return dialog;
  }
}

export class ConfigurationsPageObject {
  constructor(private readonly page: Page) {}

  /** Creates a configuration; `providers` unset keeps "All providers", `routing` adds a route with the given key names in order. */
  async create(input: { name: string; providers?: string[]; routing?: { provider: string; keys: string[]; gatewayCredentials?: boolean } }): Promise<void> {
    await this.page.getByRole('button', { name: 'New configuration' }).click();
    const form = this.page.getByRole('form', { name: 'New configuration' });
    await form.getByLabel('Name', { exact: true }).fill(input.name);
    if (input.providers) {
      await form.getByRole('radio', { name: /Only the providers I pick/ }).check();
      for (const provider of input.providers) await form.getByRole('checkbox', { name: provider, exact: true }).check();
    }
    if (input.routing) {
      await form.getByLabel('Add routing for provider').selectOption({ label: input.routing.provider });
      await form.getByRole('button', { name: 'Add routing' }).click();
      const route = form.getByRole('region', { name: `Routing for ${input.routing.provider}` });
      // Adding a route pre-fills the provider's keys by priority; rebuild it in the requested order.
      while ((await route.getByRole('button', { name: / from route$/ }).count()) > 0) await route.getByRole('button', { name: / from route$/ }).first().click();
      for (const key of input.routing.keys) {
        const select = route.getByLabel(`Add ${input.routing.provider} key`);
        const option = select.locator('option', { hasText: key }).first();
        await select.selectOption({ value: (await option.getAttribute('value')) ?? '' });
      }
      const gateway = route.getByRole('switch', { name: /Gateway credentials/ });
      if (input.routing.gatewayCredentials !== undefined) await gateway.setChecked(input.routing.gatewayCredentials);
    }
    await form.getByRole('button', { name: 'Create configuration' }).click();
    await form.waitFor({ state: 'hidden' });
  }
}

export class CreditsPageObject {
  constructor(private readonly page: Page) {}

  async balance(): Promise<string> {
    return ((await this.page.getByTestId('credit-balance').textContent()) ?? '').trim();
  }

  async buy(amountUsd: string): Promise<void> {
    await this.page.getByLabel('Amount (USD)').fill(amountUsd);
    await this.page.getByRole('button', { name: 'Buy credits' }).click();
  }
}

export class UsagePageObject {
  constructor(private readonly page: Page) {}

  charts(): Locator {
    return this.page.getByTestId('usage-charts');
  }

  async waitForChart(): Promise<void> {
    await this.charts().locator('svg.recharts-surface').first().waitFor();
  }

  eventsTable(): Locator {
    return this.page.getByRole('table', { name: 'Usage events' });
  }

  async expandFirstEvent(): Promise<Locator> {
    await this.eventsTable().getByRole('button', { name: /^Show attempts/ }).first().click();
    return this.eventsTable().getByRole('list', { name: 'Attempts' }).first();
  }
}

export function pageObjects(page: Page) {
  return {
    auth: new AuthPageObject(page),
    shell: new ShellObject(page),
    accessKeys: new AccessKeysPageObject(page),
    providerKeys: new ProviderKeysPageObject(page),
    configurations: new ConfigurationsPageObject(page),
    credits: new CreditsPageObject(page),
    usage: new UsagePageObject(page),
  };
}
