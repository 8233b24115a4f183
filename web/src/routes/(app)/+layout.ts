import { redirect } from '@sveltejs/kit';
import { session } from '$lib/session.svelte.ts';

/** Every page in this group needs a signed-in user. */
export function load(): void {
  if (!session.token) redirect(307, '/login');
}
