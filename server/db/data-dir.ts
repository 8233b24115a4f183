import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Why a file operation failed, in words, from its error code (Node's, or the embedded database's file system's). */
const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'not a directory',
  ENOENT: 'no such file or directory',
};

export function fileErrorReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return (e?.code && REASONS[e.code]) ?? e?.code ?? (e instanceof Error ? e.message : String(err));
}

/**
 * Makes DATA_DIR ready for the embedded database, or throws an error that names the
 * variable and what is wrong (SPEC §4, as for ports). Created one level at a time: a
 * recursive mkdir under some special file systems (/proc) never returns.
 */
export function prepareDataDir(dir: string): void {
  const fail = (what: string) => new Error(`DATA_DIR=${dir}: ${what}`);
  const missing: string[] = [];
  let at = resolve(dir);
  while (!existsSync(at)) {
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  if (existsSync(at) && !statSync(at).isDirectory()) throw fail(at === resolve(dir) ? 'not a directory' : `${at} is a file, not a directory`);
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw fail(`cannot be created (${fileErrorReason(err)})`);
    }
  }
  // The database writes here all the time: find out now, not as a file system error from deep inside it.
  const probe = join(dir, `.ronda-write-check-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (err) {
    throw fail(`not writable (${fileErrorReason(err)})`);
  }
}

/** The embedded database's file system reports WASI/Emscripten errno numbers, not names. */
const EMSCRIPTEN_ERRNO: Record<number, string> = { 2: 'EACCES', 20: 'EEXIST', 44: 'ENOENT', 51: 'ENOSPC', 54: 'ENOTDIR', 63: 'EPERM', 69: 'EROFS' };

/** A failure of the embedded database to open its files, in words. */
export function embeddedErrorReason(err: unknown): string {
  const errno = (err as { errno?: unknown } | null)?.errno;
  if (typeof errno === 'number' && !(err instanceof Error)) {
    const code = EMSCRIPTEN_ERRNO[errno];
    return code ? fileErrorReason({ code }) : `file system error ${errno}`;
  }
  return err instanceof Error ? err.message : String(err);
}
