import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedErrorReason, prepareDataDir } from './data-dir.ts';

const root = mkdtempSync(join(tmpdir(), 'ronda-data-dir-'));
afterAll(() => {
  chmodSync(root, 0o700);
  rmSync(root, { recursive: true, force: true });
});

describe('prepareDataDir (SPEC §4: a bad DATA_DIR stops the start naming the variable)', () => {
  it('creates a missing directory, several levels deep, and leaves nothing behind in it', () => {
    const dir = join(root, 'a', 'b', 'c');
    prepareDataDir(dir);
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
    prepareDataDir(dir);
  });

  it('a file where the directory should be, or on its path', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    expect(() => prepareDataDir(file)).toThrow(`DATA_DIR=${file}: not a directory`);
    expect(() => prepareDataDir(join(file, 'data'))).toThrow(`DATA_DIR=${join(file, 'data')}: ${file} is a file, not a directory`);
  });

  // root may write anywhere a permission bit forbids; a read-only mount is checked by hand (README).
  it.skipIf(process.getuid?.() === 0)('a directory it may not write to, or create', () => {
    const locked = join(root, 'locked');
    prepareDataDir(locked);
    chmodSync(locked, 0o500);
    try {
      expect(() => prepareDataDir(locked)).toThrow(`DATA_DIR=${locked}: not writable (permission denied)`);
      expect(() => prepareDataDir(join(locked, 'sub'))).toThrow(`DATA_DIR=${join(locked, 'sub')}: cannot be created (permission denied)`);
    } finally {
      chmodSync(locked, 0o700);
    }
  });

  it("words the embedded database's file system errors, which are errno numbers, not Errors", () => {
    expect(embeddedErrorReason({ name: 'ErrnoError', errno: 69 })).toBe('read-only file system');
    expect(embeddedErrorReason({ name: 'ErrnoError', errno: 2 })).toBe('permission denied');
    expect(embeddedErrorReason({ name: 'ErrnoError', errno: 999 })).toBe('file system error 999');
    expect(embeddedErrorReason(new Error('PGlite failed to initialize properly'))).toBe('PGlite failed to initialize properly');
  });
});
