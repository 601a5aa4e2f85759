import { describe, expect, it } from 'vitest';
import { useMockedSpa } from './support/mocked-spa.js';
import { pageObjects } from './support/pages.js';

/** Virtual models page, weighted key routing and cache settings, against canned GraphQL. */
describe('routing pages (mocked GraphQL)', () => {
  const spa = useMockedSpa();
  const { session } = spa;

  const logIn = async () => {
    const { auth, shell } = pageObjects(session.page);
    await auth.logIn('ada@example.com', 'correct-horse');
    await shell.heading('Access keys').waitFor();
  };

  it('lists, creates (weighted, ordered targets), edits and deletes virtual models', async () => {
    const { page } = session;
    await logIn();
    await pageObjects(page).shell.navigateTo('Virtual models');
    const table = page.getByRole('table', { name: 'Virtual models' });
    await table.getByRole('row', { name: /smart/ }).waitFor();
    expect(await table.getByRole('row', { name: /smart/ }).textContent()).toContain('anthropic:claude-sonnet-4-5');

    await page.getByRole('button', { name: 'New virtual model' }).click();
    const dialog = page.getByRole('dialog', { name: 'New virtual model' });
    await dialog.getByLabel(/^Name/).fill('spread');
    await dialog.getByLabel(/^Strategy/).selectOption('WEIGHTED');
    await dialog.getByLabel('Target 1 model').fill('gpt-4o-mini');
    await dialog.getByRole('button', { name: 'Add target' }).click();
    await dialog.getByLabel('Target 2 model').fill('anthropic:claude-sonnet-4-5');
    await dialog.getByLabel('Weight of anthropic:claude-sonnet-4-5').fill('3');
    await expect.poll(() => dialog.textContent()).toContain('75% first');
    // Reorder: the Claude target becomes the first fallback.
    await dialog.getByRole('button', { name: 'Move anthropic:claude-sonnet-4-5 up' }).click();
    await dialog.getByRole('button', { name: 'Create virtual model' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(spa.mock.requests.find((r) => r.operationName === 'CreateVirtualModel')?.variables.input).toEqual({
      name: 'spread',
      description: null,
      strategy: 'WEIGHTED',
      targets: [
        { model: 'anthropic:claude-sonnet-4-5', weight: 3 },
        { model: 'gpt-4o-mini', weight: 1 },
      ],
    });
    const row = table.getByRole('row', { name: /spread/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('75% first');

    // A taken name shows the API's CONFLICT inside the dialog.
    await page.getByRole('button', { name: 'New virtual model' }).click();
    const again = page.getByRole('dialog', { name: 'New virtual model' });
    await again.getByLabel(/^Name/).fill('smart');
    await again.getByLabel('Target 1 model').fill('gpt-4o');
    await again.getByRole('button', { name: 'Create virtual model' }).click();
    await expect.poll(() => again.getByRole('alert').textContent()).toContain('already exists');
    await again.getByRole('button', { name: 'Cancel' }).click();

    await table.getByRole('button', { name: 'Edit smart' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit “smart”' });
    await edit.getByRole('button', { name: 'Remove gpt-4o-mini' }).click();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'hidden' });
    expect(spa.mock.requests.find((r) => r.operationName === 'UpdateVirtualModel')?.variables).toMatchObject({
      id: 'vm_1',
      input: { name: 'smart', strategy: 'ORDERED', targets: [{ model: 'anthropic:claude-sonnet-4-5', weight: 1 }] },
    });

    await table.getByRole('button', { name: 'Delete spread' }).click();
    await page.getByRole('dialog', { name: 'Delete virtual model?' }).getByRole('button', { name: 'Delete' }).click();
    await table.getByRole('row', { name: /spread/ }).waitFor({ state: 'detached' });
    expect(session.pageErrors).toEqual([]);
  });

  it('saves weighted key routing and cache settings on a configuration', async () => {
    const { page } = session;
    await logIn();
    await pageObjects(page).shell.navigateTo('Configurations');
    await page.getByRole('button', { name: 'New configuration' }).click();
    const form = page.getByRole('form', { name: 'New configuration' });
    await form.getByLabel('Name', { exact: true }).fill('spread keys');
    await form.getByLabel('Add routing for provider').selectOption({ label: 'OpenAI' });
    await form.getByRole('button', { name: 'Add routing' }).click();
    const route = form.getByRole('region', { name: 'Routing for OpenAI' });
    await route.getByLabel('Key selection').selectOption('WEIGHTED');
    await route.getByLabel('Weight of openai-backup').fill('4');
    await form.getByRole('switch', { name: /Cache answers/ }).check();
    await form.getByLabel('Time to live (seconds)').fill('90');
    await expect.poll(() => form.textContent()).toContain('1 min 30 s');
    await form.getByRole('button', { name: 'Create configuration' }).click();
    await form.waitFor({ state: 'hidden' });
    const input = spa.mock.requests.find((r) => r.operationName === 'CreateAccessKeyConfiguration')?.variables.input;
    expect(input).toMatchObject({
      name: 'spread keys',
      routing: [{ provider: 'openai', providerKeyIds: ['pk_1', 'pk_2'], strategy: 'WEIGHTED', weights: [1, 4] }],
      cache: { enabled: true, ttlSeconds: 90 },
    });
    const card = page.getByRole('region', { name: 'spread keys' });
    await card.waitFor();
    expect(await card.textContent()).toContain('On, 1 min 30 s');
    expect(session.pageErrors).toEqual([]);
  });
});
