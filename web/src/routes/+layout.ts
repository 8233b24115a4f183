// A single-page app served from web/build with an index.html fallback: no server rendering.
export const ssr = false;
export const prerender = false;
