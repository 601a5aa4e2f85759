import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * DATA_DIR holds the master key and, in embedded mode, the whole database (password hashes,
 * balances, provider-key ciphertexts): only the gateway's user may enter it. `mkdir`'s mode is
 * filtered by the umask and ignored for a directory that exists, hence the explicit chmod.
 */
export function prepareDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
}

/**
 * Directories 0700 and files 0600 everywhere under DATA_DIR. PGlite creates its files with the
 * process umask (0666 & ~umask) and offers no mode option, so this pass runs after it has started
 * (and at shutdown, for files created since); between passes the 0700 directory keeps others out.
 * Symlinks are left alone: chmod would follow them out of the directory.
 */
export function restrictDataDir(dataDir: string): void {
  const walk = (dir: string) => {
    chmodSync(dir, 0o700);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) chmodSync(path, 0o600);
    }
  };
  if (lstatSync(dataDir).isDirectory()) walk(dataDir);
}
