import { MIN_PASSWORD_LENGTH } from '$contract/user.ts';
import type { Worded } from './user-rows.ts';

export { MIN_PASSWORD_LENGTH };

/** An address the API's `format: email` may take; the server has the last word (a 400 shows its message). */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const passwordProblem = (password: string): Worded | null =>
  password.length < MIN_PASSWORD_LENGTH ? { key: 'users.problem.shortPassword', vars: { min: MIN_PASSWORD_LENGTH } } : null;

/** Why a login's name, email or password cannot be sent as they are, worded before a round trip; null: send it. */
export function loginProblem(f: { name: string; email: string; password?: string }): Worded | null {
  if (f.name.trim() === '') return { key: 'users.problem.noName', vars: {} };
  if (!EMAIL.test(f.email.trim())) return { key: 'users.problem.badEmail', vars: {} };
  return f.password === undefined ? null : passwordProblem(f.password);
}

/** 32 letters and digits none of which reads as another (no 0/O, 1/l/I): read aloud or copied by hand. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789A';
const GENERATED_LENGTH = 14;

/**
 * A password for the admin to pass on, from `random` bytes (crypto.getRandomValues): 5 bits
 * a character, with no modulo bias since 32 divides 256; 14 characters are 70 bits.
 */
export function generatePassword(random: Uint8Array): string {
  if (random.length < GENERATED_LENGTH) throw new RangeError(`generatePassword needs ${GENERATED_LENGTH} random bytes`);
  return Array.from(random.subarray(0, GENERATED_LENGTH), (b) => ALPHABET[b & 31]).join('');
}

export const newPassword = (): string => generatePassword(crypto.getRandomValues(new Uint8Array(GENERATED_LENGTH)));
