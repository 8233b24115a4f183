// With the u flag a well-formed pair is one code point, so only a half pair matches.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Why decoded JSON (keys and values, at any depth) cannot be stored, if it cannot:
 * PostgreSQL text and jsonb hold neither the NUL character nor half a UTF-16
 * surrogate pair, and the database refuses the whole statement that carries one.
 */
export function unstorableText(value: unknown): string | null {
  if (typeof value === 'string') {
    if (value.includes('\0')) return 'hold a NUL character (\\u0000), which cannot be stored';
    if (LONE_SURROGATE.test(value)) return 'hold a lone UTF-16 surrogate, which cannot be stored';
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  for (const [k, v] of Object.entries(value)) {
    const why = unstorableText(k) ?? unstorableText(v);
    if (why) return why;
  }
  return null;
}

/** Text made storable for a log of what was refused: each character PostgreSQL cannot hold becomes U+FFFD. */
export function storableText(text: string): string {
  return text.replace(/\0|\p{Cs}/gu, '\uFFFD');
}
