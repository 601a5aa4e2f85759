import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { Middleware } from 'koa';
import { webSecurityHeaders } from './security-headers.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Precompressed siblings written at build time (web/vite.config.ts), best first. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/** The precompressed copy of `file` the client accepts, if the build wrote one. */
function precompressed(ctx: Parameters<Middleware>[0], file: string): { path: string; encoding: string } | undefined {
  // Our preference (brotli is smaller) over the order the client happened to list them in.
  for (const choice of ENCODINGS) {
    if (ctx.acceptsEncodings(choice.name) !== choice.name) continue;
    const path = file + choice.suffix;
    if (existsSync(path)) return { path, encoding: choice.name };
  }
  return undefined;
}

/**
 * Serves the built SPA; unknown paths fall back to index.html so client-side routes reload. Files are sent
 * as their brotli or gzip copy when the client accepts it (nothing is compressed per request), and hashed
 * assets are cached for a year.
 */
export function staticWeb(root: string, publicUrl?: string): Middleware {
  const index = join(root, 'index.html');
  const headers = webSecurityHeaders(publicUrl);
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path.startsWith('/v1/') || ctx.path === '/v1' || ctx.path === '/graphql') return next();
    let rel: string;
    try {
      rel = normalize(decodeURIComponent(ctx.path)).replace(/^([/\\])+/, '');
    } catch {
      return next();
    }
    const candidate = join(root, rel);
    const inside = candidate === root || candidate.startsWith(root + sep);
    let file = inside && rel && existsSync(candidate) && statSync(candidate).isFile() ? candidate : undefined;
    if (!file) {
      if (extname(rel) !== '' || !existsSync(index)) return next();
      file = index;
    }
    ctx.type = TYPES[extname(file)] ?? 'application/octet-stream';
    ctx.set('cache-control', file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    ctx.set(headers);
    ctx.vary('accept-encoding');
    const encoded = precompressed(ctx, file);
    if (encoded) ctx.set('content-encoding', encoded.encoding);
    const sent = encoded?.path ?? file;
    ctx.length = statSync(sent).size;
    ctx.body = createReadStream(sent);
  };
}
