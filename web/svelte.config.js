import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // The Fastify server serves web/build and answers every unknown path with
    // index.html, so the SPA owns client-side routing.
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true }),
    alias: {
      // Contract types shared with the server (STYLE §5). Imported with `import type` only.
      $contract: '../server/contract',
    },
  },
};
