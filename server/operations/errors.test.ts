import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SERVER = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('refusals', () => {
  it('are made from a contract table (refusal) or by notFound, never inline: a code thrown inline is missing from /api/docs', () => {
    const inline = sources(SERVER)
      .filter((path) => !path.endsWith(join('operations', 'errors.ts')))
      .flatMap((path) => readFileSync(path, 'utf8').split('\n').flatMap((line, i) => (/new OperationError\(/.test(line) ? [`${relative(SERVER, path)}:${i + 1}`] : [])));
    expect(inline).toEqual([]);
  });
});
