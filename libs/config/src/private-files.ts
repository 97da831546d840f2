// Local state (SQLite databases, keys) is readable only by the service's own user: on a shared host,
// or in a volume other containers mount, a world-readable database would hand out password hashes,
// tokens' signing keys, access decisions or a site's dataset index.
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';

const OWNER_ONLY_FILE = 0o600;
const OWNER_ONLY_DIR = 0o700;

/** Creates `dir` (and missing parents) as 0700; an existing directory keeps its mode (it may be a shared mount). */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: OWNER_ONLY_DIR });
}

/**
 * Makes sure `file` exists and is readable and writable by its owner only: created empty as 0600 when
 * absent (before any library opens it with its own default mode), narrowed to 0600 when an earlier
 * version left it readable by others. SQLite gives its -wal and -shm files the database file's mode.
 */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', OWNER_ONLY_FILE));
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, OWNER_ONLY_FILE);
}
