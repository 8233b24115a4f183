import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { bearerToken } from './auth-hook.ts';

const withAuthorization = (authorization?: string) => ({ headers: { authorization } }) as FastifyRequest;

describe('bearerToken', () => {
  it('reads the token whatever the case of the scheme (RFC 7235 §2.1: auth-scheme is case-insensitive)', () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) expect(bearerToken(withAuthorization(`${scheme} tok-123`)), scheme).toBe('tok-123');
  });

  it('takes one or more spaces after the scheme, and nothing but a token', () => {
    expect(bearerToken(withAuthorization('Bearer   tok-123'))).toBe('tok-123');
    expect(bearerToken(withAuthorization('Bearer'))).toBeNull();
    expect(bearerToken(withAuthorization('Bearer '))).toBeNull();
    expect(bearerToken(withAuthorization('Bearertok-123'))).toBeNull();
    expect(bearerToken(withAuthorization('Basic dXNlcjpwYXNz'))).toBeNull();
    expect(bearerToken(withAuthorization('Bearer tok 123'))).toBeNull();
    expect(bearerToken(withAuthorization())).toBeNull();
  });
});
