import type { Role } from '$contract/auth.ts';
import { flushSync, mount, unmount, type Component } from 'svelte';
import { vi } from 'vitest';
import { i18n, type Locale } from '../i18n.svelte.ts';
import { session } from '../session.svelte.ts';

/**
 * For component tests (`*.component.test.ts`, happy-dom): a page mounted as a signed-in user,
 * with the API answered by a table of routes instead of a server.
 */

// happy-dom fires a dialog's `close` event inside close(); a browser queues it as a task (HTML,
// "close the dialog"), and a page may read its state after close() (devices' `confirmed`).
HTMLDialogElement.prototype.close = function (this: HTMLDialogElement, returnValue?: string): void {
  if (!this.open) return;
  this.removeAttribute('open');
  if (returnValue !== undefined) this.returnValue = returnValue;
  setTimeout(() => this.dispatchEvent(new Event('close')));
};

/** What a route answers: a body sent as 200 JSON, or a Response of its own (a refusal). */
export type Answer = unknown;
/** Keyed `METHOD /api/path` (no query string); a function sees the request. */
export type Routes = Record<string, Answer | ((url: URL, init: RequestInit) => Answer | Promise<Answer>)>;

/** A refusal as the server words it (ErrorBody). */
export const refusal = (status: number, reason: string, values: Record<string, string | number> = {}, message = reason): Response =>
  new Response(JSON.stringify({ error: 'Refused', message, reason, values }), { status, headers: { 'Content-Type': 'application/json' } });

/** Every request the page made, `METHOD /api/path?query`. */
export function stubApi(routes: Routes): string[] {
  const asked: string[] = [];
  vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://ronda.test');
    const method = init.method ?? 'GET';
    asked.push(`${method} ${url.pathname}${url.search}`);
    const route = routes[`${method} ${url.pathname}`];
    if (route === undefined) return new Response(JSON.stringify({ error: 'Not Found', message: `no route ${method} ${url.pathname}` }), { status: 404 });
    const answer = typeof route === 'function' ? await (route as (u: URL, i: RequestInit) => Answer)(url, init) : route;
    return answer instanceof Response ? answer : new Response(JSON.stringify(answer), { status: 200, headers: { 'Content-Type': 'application/json' } });
  });
  return asked;
}

export function signIn(role: Role, teamId: number | null = null): void {
  session.start({ token: 'test-token', user: { id: 1, email: 'ana@example.com', name: 'Ana', role, teamId, collectorId: null } });
}

/** As the top bar's language switch does. */
export function switchLanguage(locale: Locale): void {
  i18n.setLocale(locale);
  flushSync();
}

export function show<P extends Record<string, unknown>>(component: Component<P>, props: P = {} as P): () => void {
  const mounted = mount(component, { target: document.body, props });
  flushSync();
  return () => {
    void unmount(mounted);
    document.body.innerHTML = '';
  };
}

/** Waits until `find` returns something (the page's fetches and renders are asynchronous). */
export async function until<T>(find: () => T | null | undefined | false, what = 'the condition', timeoutMs = 2_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    flushSync();
    const found = find();
    if (found) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the page shows: ${document.body.textContent?.replace(/\s+/g, ' ').trim()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The element matching `selector` whose text includes `text`. */
export const byText = (selector: string, text: string): HTMLElement | undefined =>
  [...document.querySelectorAll<HTMLElement>(selector)].find((el) => el.textContent?.includes(text));

export function click(el: Element): void {
  (el as HTMLElement).click();
  flushSync();
}

export function type(input: HTMLInputElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}
