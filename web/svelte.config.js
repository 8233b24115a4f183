import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // The Fastify server serves web/build and answers every unknown path with
    // index.html, so the SPA owns client-side routing.
    // precompress: .br and .gz beside each file; the server sends them to browsers that accept
    // them (MapLibre's chunk goes from ~1 MB to ~0.25 MB, what a wall on a slow link waits for).
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true, precompress: true }),
    alias: {
      // Contract types shared with the server (STYLE §5). Imported with `import type` only.
      $contract: '../server/contract',
    },
  },
};
