import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/** How the server hands out the dashboard's build: its files, the single-page shell for its paths, and nothing in place of a missing file. */
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe("the dashboard's files", () => {
  it('answers a page path with the shell, and its scripts as scripts', async () => {
    const page = await fetch(`${t.baseUrl}/board?date=2030-01-01`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const shell = await page.text();
    const script = /\/_app\/immutable\/[^"']+\.js/.exec(shell)?.[0];
    expect(script, 'the shell names its entry script').toBeDefined();
    const js = await fetch(`${t.baseUrl}${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
  });

  it('answers a build file that is not there (a page opened before a new build) with a 404, not the shell', async () => {
    const gone = await fetch(`${t.baseUrl}/_app/immutable/entry/start.0ld-bu1ld.js`);
    expect(gone.status).toBe(404);
    expect(gone.headers.get('content-type')).toContain('application/json');
    expect(await gone.json()).toMatchObject({ reason: 'no_route' });
    expect((await fetch(`${t.baseUrl}/api/nothing-here`)).status).toBe(404);
  });
});
