import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

const target = process.env.RONDA_API ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [sveltekit()],
  ssr: {
    // Kit's build-time analysis imports its server bundle, which would otherwise resolve
    // `cookie` from the root node_modules: cookie 2 (hoisted for fastify) lacks the
    // `parse` export kit's own cookie 0.6 has. Bundling it picks kit's nested copy.
    noExternal: ['cookie'],
  },
  build: {
    // maplibre-gl is one ~1 MB module that cannot be split further; it loads on its own
    // chunk only when the map mounts. Everything else stays far below this.
    chunkSizeWarningLimit: 1100,
    // Rolldown reports slow plugin callbacks as a warning; on a shared 2-core machine
    // SvelteKit's own writeBundle always trips it, and there is nothing of ours to fix.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: {
    proxy: {
      '/api': { target },
      '/live': { target, ws: true },
      '/mqtt': { target, ws: true },
    },
  },
});
