/**
 * A `tel:` link for a phone as people type it ("+52 33 1234 5678", "(33) 1234-5678"). RFC 3966 §3
 * allows no spaces in the number, so only the digits and a leading "+" are kept; what follows the
 * first letter ("ext. 12", "x12", "casa") is not part of the number to dial. Null with no digits to dial.
 */
export function telHref(phone: string): string | null {
  const number = phone.split(/\p{L}/u)[0].trim();
  const digits = number.replace(/\D/g, '');
  if (digits === '') return null;
  return `tel:${number.startsWith('+') ? '+' : ''}${digits}`;
}
