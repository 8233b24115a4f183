import { defineConfig } from 'vitest/config';

// Unit tests for the dashboard's plain TypeScript modules (state rules, formatting,
// the map's feature buffer). Components are checked by svelte-check and the e2e tier.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
