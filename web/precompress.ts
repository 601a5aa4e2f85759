import { readdir, readFile, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);
const COMPRESSIBLE = new Set(['.js', '.css', '.html', '.svg', '.json', '.txt', '.map', '.ttf', '.wasm']);
const MIN_BYTES = 1024;
// Brotli's best quality costs ~20 s on the 2.8 MB editor chunk for 10% less; big lazy chunks get quality 9.
const MAX_BEST_QUALITY_BYTES = 400_000;

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

/**
 * Writes `<file>.br` and `<file>.gz` beside every compressible build output, once, at build time, so the
 * server only picks a file (http/static-web.ts) and never compresses per request. node:zlib does the work;
 * the plugin is these few lines rather than a dependency.
 */
export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'ai-gateway:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    async closeBundle() {
      const jobs: Promise<void>[] = [];
      for await (const path of files(outDir)) {
        if (!COMPRESSIBLE.has(extname(path))) continue;
        jobs.push(
          readFile(path).then(async (data) => {
            if (data.length < MIN_BYTES) return;
            const [br, gzipped] = await Promise.all([
              brotli(data, { params: { [constants.BROTLI_PARAM_QUALITY]: data.length <= MAX_BEST_QUALITY_BYTES ? 11 : 9, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }),
              gz(data, { level: 9 }),
            ]);
            await Promise.all([writeFile(`${path}.br`, br), writeFile(`${path}.gz`, gzipped)]);
          }),
        );
      }
      await Promise.all(jobs);
    },
  };
}
