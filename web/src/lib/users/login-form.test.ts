import { describe, expect, it } from 'vitest';
import { MIN_PASSWORD_LENGTH, generatePassword, loginProblem, newPassword, passwordProblem } from './login-form.ts';

describe('loginProblem', () => {
  it('asks for a name, a valid email and a password the API takes, in that order', () => {
    expect(loginProblem({ name: ' ', email: 'x@y.mx', password: 'long-enough' })).toEqual({ key: 'users.problem.noName', vars: {} });
    expect(loginProblem({ name: 'Diego', email: 'diego@', password: 'long-enough' })).toEqual({ key: 'users.problem.badEmail', vars: {} });
    expect(loginProblem({ name: 'Diego', email: 'diego@x.mx', password: 'x'.repeat(MIN_PASSWORD_LENGTH - 1) })).toEqual({
      key: 'users.problem.shortPassword',
      vars: { min: MIN_PASSWORD_LENGTH },
    });
    expect(loginProblem({ name: 'Diego', email: ' diego@x.mx ', password: 'x'.repeat(MIN_PASSWORD_LENGTH) })).toBeNull();
    // An edit sends no password.
    expect(loginProblem({ name: 'Diego', email: 'diego@x.mx' })).toBeNull();
  });

  it('takes a password of exactly the minimum length', () => {
    expect(MIN_PASSWORD_LENGTH).toBe(8);
    expect(passwordProblem('12345678')).toBeNull();
    expect(passwordProblem('1234567')?.key).toBe('users.problem.shortPassword');
  });
});

describe('generatePassword', () => {
  it('maps each byte to one of 32 unambiguous characters, 14 of them', () => {
    const all = generatePassword(Uint8Array.from({ length: 32 }, (_, i) => i).subarray(0, 14));
    expect(all).toBe('abcdefghjkmnpq');
    const chars = new Set(Array.from({ length: 256 }, (_, b) => generatePassword(new Uint8Array(14).fill(b))[0]));
    expect(chars.size).toBe(32);
    for (const c of '0O1lI') expect(chars.has(c)).toBe(false);
  });

  it('gives passwords the API takes, a new one each time', () => {
    const a = newPassword();
    expect(a).toHaveLength(14);
    expect(passwordProblem(a)).toBeNull();
    expect(newPassword()).not.toBe(a);
    expect(() => generatePassword(new Uint8Array(4))).toThrow(RangeError);
  });
});
