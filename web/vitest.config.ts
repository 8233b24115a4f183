import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Unit tests for the dashboard's plain TypeScript modules (state rules, formatting,
// the map's feature buffer). Components are checked by svelte-check and the e2e tier.
export default defineConfig({
  // The same $contract the app resolves through SvelteKit (svelte.config.js), for modules that use its values.
  resolve: { alias: { $contract: fileURLToPath(new URL('../server/contract', import.meta.url)) } },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
