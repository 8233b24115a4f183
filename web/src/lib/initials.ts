/**
 * Up to two letters that stand for a person where their name does not fit (the top bar on a tablet).
 * Spanish names read given name + first surname, so the first two words count; lower-case particles
 * ("de", "la", "del") are passed over when the name has enough capitalised words ("Juan de la Cruz" → "JC").
 * A name with no letters falls back to the email's first letter.
 */
export function initials(name: string, email = ''): string {
  const letters = name
    .split(/\s+/)
    .map((word) => ({ word, letter: word.match(/\p{L}/u)?.[0] }))
    .filter((w): w is { word: string; letter: string } => w.letter !== undefined);
  const capitalised = letters.filter((w) => /^\P{L}*\p{Lu}/u.test(w.word));
  const chosen = (capitalised.length >= 2 ? capitalised : letters).slice(0, 2);
  const found = chosen.map((w) => w.letter).join('') || (email.match(/\p{L}/u)?.[0] ?? '?');
  return found.toLocaleUpperCase('es');
}
