import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, type TestContext } from 'vitest';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test', 'artifacts');

export const VIEWPORTS = {
  laptop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

/** Headless Chromium as installed by `apt-get install chromium` (CI does the same); CHROMIUM_PATH overrides. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name.replace(/[^a-z0-9._-]+/gi, '-').replace(/-+/g, '-'));
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  const path = artifactPath(`${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

export interface BrowserSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and uncaught page errors seen since the page was opened. */
  readonly pageErrors: string[];
}

/**
 * Registers hooks for one browser per file and a fresh context and page per test; on failure the page is
 * saved to test/artifacts/<test name>.png.
 */
export function useBrowser(options: { baseURL: () => string; viewport?: ViewportName; timeoutMs?: number }): BrowserSession {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    pageErrors.length = 0;
    context = await browser!.newContext({ baseURL: options.baseURL(), viewport: VIEWPORTS[options.viewport ?? 'laptop'] });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
    context.setDefaultTimeout(options.timeoutMs ?? 15_000);
  });
  afterEach(async (ctx: TestContext) => {
    // afterEach already sees the failed state (onTestFailed would run after the page is closed).
    if (ctx.task.result?.state === 'fail' && page && !page.isClosed()) {
      const path = await screenshot(page, `failure-${ctx.task.name}`).catch(() => undefined);
      if (path) console.error(`screenshot saved: ${path}\npage errors: ${pageErrors.join('\n') || 'none'}`);
    }
    await context?.close();
  });

  return {
    get browser() {
      return browser!;
    },
    get context() {
      return context!;
    },
    get page() {
      return page!;
    },
    pageErrors,
  };
}
