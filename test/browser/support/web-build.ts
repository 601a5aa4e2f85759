import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './browser.js';

export const WEB_DIST = join(REPO_ROOT, 'web', 'dist');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds web/dist with Vite unless it is newer than every file in web/src. */
export async function ensureWebBuild(): Promise<string> {
  const index = join(WEB_DIST, 'index.html');
  const sources = Math.max(newestMtime(join(REPO_ROOT, 'web', 'src')), statSync(join(REPO_ROOT, 'web', 'index.html')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return WEB_DIST;
  const { build } = await import('vite');
  // vitest sets NODE_ENV=test, which would give React's development build (jsx-dev-runtime, ~50% larger):
  // build what `npm run build` ships, so size and behaviour tests see the real thing.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(REPO_ROOT, 'web', 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  return WEB_DIST;
}
