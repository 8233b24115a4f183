/** A connection URL fit for logs and /api/health: the password is replaced, the rest kept to tell endpoints apart. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}
