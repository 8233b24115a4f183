import { goto } from '$app/navigation';
import type { LoginRequest, LoginResponse } from '$contract/auth.ts';
import { session } from './session.svelte.ts';

/** A non-2xx answer from the API, with the server's `{error, message}` body when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The server's code for some refusals (ErrorBody `reason`), for the page to word in its language. */
    readonly reason?: string,
    /** What that code's words name (ErrorBody `values`). */
    readonly values?: Record<string, string | number>,
  ) {
    super(message);
  }
}

async function errorFrom(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as { message?: string; error?: string; reason?: string; values?: Record<string, string | number> } | null;
  return new ApiError(res.status, body?.message ?? body?.error ?? res.statusText, body?.reason, body?.values);
}

/** Ends the session and returns to the login page; used on any 401 (expired or revoked token). */
export async function signOut(): Promise<void> {
  session.end();
  await goto('/login');
}

/**
 * The user's own "sign out": leaves the pages first, then revokes the token on the server
 * (best effort). Revoking first let the page's own requests of that moment come back 401.
 * Revoked even when the navigation fails: SvelteKit rejects a goto that another navigation
 * overtakes (the live socket's own sign-out, say), and the token then stayed valid.
 */
export async function logout(): Promise<void> {
  const token = session.token;
  try {
    await signOut();
  } finally {
    if (token) await fetch('/api/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${token}` } }).catch(() => {});
  }
}

/** GET/POST `path` under /api with the session's bearer token; a 401 signs the user out. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (session.token) headers.set('Authorization', `Bearer ${session.token}`);
  // JSON unless the caller names its body's type (the accounts import sends the CSV file itself).
  if (init.body !== undefined && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  const res = await fetch(`/api${path}`, { ...init, headers });
  if (res.status === 401) {
    await signOut();
    throw await errorFrom(res);
  }
  if (!res.ok) throw await errorFrom(res);
  // 204 No Content (the settings PUTs) has no body to parse.
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** POST /api/auth/login. A 401 here means wrong credentials, not an expired session. */
export async function login(request: LoginRequest): Promise<LoginResponse> {
  const res = await fetch('/api/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(request),
  });
  if (!res.ok) throw await errorFrom(res);
  return (await res.json()) as LoginResponse;
}
