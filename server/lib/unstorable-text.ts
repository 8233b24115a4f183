// With the u flag a well-formed pair is one code point, so only a half pair matches.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Objects and arrays inside one another, the value itself counting as one. Devices
 * send flat attributes, a level or two deep; a value nested deeper than this is
 * refused before anything else walks it. JSON.stringify (batch writer, logger)
 * overflows Node's default stack near 4,000 levels, and that RangeError is no
 * refusal with a reason: the publish went unacknowledged and came back for ever.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Why decoded JSON (keys and values, at every level) cannot be stored, if it cannot:
 * PostgreSQL text and jsonb hold neither the NUL character nor half a UTF-16
 * surrogate pair, and the database refuses the whole statement that carries one;
 * nesting past MAX_JSON_DEPTH is refused too (see there).
 */
export function unstorableText(value: unknown): string | null {
  return unstorableAt(value, 1);
}

function unstorableAt(value: unknown, depth: number): string | null {
  if (typeof value === 'string') {
    if (value.includes('\0')) return 'hold a NUL character (\\u0000), which cannot be stored';
    if (LONE_SURROGATE.test(value)) return 'hold a lone UTF-16 surrogate, which cannot be stored';
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  // The recursion below stops here, so it never runs deeper than the limit.
  if (depth > MAX_JSON_DEPTH) return `are nested more than ${MAX_JSON_DEPTH} levels deep`;
  for (const [k, v] of Object.entries(value)) {
    const why = unstorableAt(k, depth) ?? unstorableAt(v, depth + 1);
    if (why) return why;
  }
  return null;
}

/** Text made storable for a log of what was refused: each character PostgreSQL cannot hold becomes U+FFFD. */
export function storableText(text: string): string {
  return text.replace(/\0|\p{Cs}/gu, '\uFFFD');
}
