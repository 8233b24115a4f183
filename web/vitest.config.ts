import { sveltekit } from '@sveltejs/kit/vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Two tiers here. Unit tests for the dashboard's plain TypeScript modules (state rules,
// formatting, the map's feature buffer) run on Node. Component tests (`*.component.test.ts`)
// mount a page or component in happy-dom with the API's fetch stubbed: what a person sees
// after an action (a note kept across a language switch). The map and the layout stay with
// svelte-check and the e2e tier (test/e2e), which drive a real browser and server.
export default defineConfig({
  test: {
    projects: [
      {
        // The same $contract the app resolves through SvelteKit (svelte.config.js), for modules that use its values.
        resolve: { alias: { $contract: fileURLToPath(new URL('../server/contract', import.meta.url)) } },
        test: { name: 'unit', include: ['src/**/*.test.ts'], exclude: ['src/**/*.component.test.ts'], environment: 'node' },
      },
      {
        // Kit's plugin resolves $lib, $contract and $app/* as the app does; `browser` picks Svelte's client build.
        plugins: [sveltekit()],
        resolve: { conditions: ['browser'] },
        test: { name: 'components', include: ['src/**/*.component.test.ts'], environment: 'happy-dom' },
      },
    ],
  },
});
