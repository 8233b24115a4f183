import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, storableText, unstorableText } from './unstorable-text.ts';

/** `{"a":{"a":…1…}}` with `depth` objects, parsed as a device's payload would be. */
const nested = (depth: number): unknown => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
const nestedArrays = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
const DEEP = `are nested more than ${MAX_JSON_DEPTH} levels deep`;

describe('unstorableText', () => {
  it('finds a NUL or a lone surrogate in keys and values at every level', () => {
    expect(unstorableText({ a: [{ b: 'x\u0000' }] })).toBe('hold a NUL character (\\u0000), which cannot be stored');
    expect(unstorableText({ a: { ['k\ud800']: 1 } })).toBe('hold a lone UTF-16 surrogate, which cannot be stored');
    expect(unstorableText({ a: ['ok', { b: 'mañana 😀' }], n: 1, t: true, z: null })).toBeNull();
    expect(unstorableText(nested(MAX_JSON_DEPTH))).toBeNull();
  });

  it('refuses nesting past the limit, with a reason, instead of overflowing the stack at 20,000 levels', () => {
    expect(unstorableText(nested(20_000))).toBe(DEEP);
    expect(unstorableText(nestedArrays(20_000))).toBe(DEEP);
    expect(unstorableText(nested(MAX_JSON_DEPTH + 1))).toBe(DEEP);
    expect(unstorableText(nestedArrays(MAX_JSON_DEPTH + 1))).toBe(DEEP);
    expect(unstorableText({ ok: 'yes', deep: [nested(20_000)] })).toBe(DEEP);
  });
});

describe('storableText', () => {
  it('replaces what PostgreSQL cannot hold with U+FFFD, in text of any length', () => {
    expect(storableText('a\u0000b\ud800c😀')).toBe('a\uFFFDb\uFFFDc😀');
    const deep = `${'{"a":'.repeat(20_000)}"\u0000"${'}'.repeat(20_000)}`;
    expect(storableText(deep)).toBe(deep.replace('\u0000', '\uFFFD'));
  });
});
