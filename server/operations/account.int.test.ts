import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { CSV_HEADER, accountLine, createTeam, loginAs, postCsv } from './testing/fixtures.ts';

let t: TestServer;
let centro: number;
let poniente: number;

beforeAll(async () => {
  t = await startTestServer();
  centro = await createTeam(t, 'Centro');
  poniente = await createTeam(t, 'Poniente');
});
afterAll(async () => t?.close());

describe('accounts CSV import', () => {
  it('imports 997 of 1,000 rows and reports the 3 bad ones by line and reason', async () => {
    const lines = [CSV_HEADER];
    for (let i = 1; i <= 1000; i++) {
      if (i === 10) lines.push(accountLine(i, 'Centro', { lat: 'abc' }));
      else if (i === 500) lines.push(accountLine(i, 'Centro', { balance: '-5' }));
      else if (i === 999) lines.push(accountLine(i, 'Centro', { name: '' }));
      else lines.push(accountLine(i, i % 3 === 0 ? 'Poniente' : 'Centro'));
    }
    const r = await postCsv(t, lines.join('\n') + '\n');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      rows: 1000,
      imported: 997,
      created: 997,
      updated: 0,
      invalid: [
        { line: 11, externalId: 'ACC-00010', reason: 'lat "abc" is not a latitude between -90 and 90' },
        { line: 501, externalId: 'ACC-00500', reason: 'balance due "-5" is not an amount from 0 to 999999999999.99' },
        { line: 1000, externalId: 'ACC-00999', reason: 'name is empty' },
      ],
    });
    const all = await t.api('GET', '/api/accounts?limit=1');
    expect(all.body.total).toBe(997);
  });

  it('re-import by external id updates instead of duplicating', async () => {
    const csv = [CSV_HEADER, accountLine(1, 'Centro', { balance: '7777.50', dpd: '95' }), accountLine(2000, 'Centro')].join('\n');
    const r = await postCsv(t, csv);
    expect(r.body).toMatchObject({ rows: 2, imported: 2, created: 1, updated: 1, invalid: [] });
    const found = await t.api('GET', '/api/accounts?search=ACC-00001');
    expect(found.body.total).toBe(1);
    expect(found.body.accounts[0]).toMatchObject({ externalId: 'ACC-00001', balanceDue: 7777.5, daysPastDue: 95, bucket: '90+', teamId: centro, currency: 'MXN' });
    expect((await t.api('GET', '/api/accounts?limit=1')).body.total).toBe(998);
  });

  it('refuses a file without a required column as a whole, importing nothing', async () => {
    const r = await postCsv(t, 'external_id,name,lat\nX-1,Ana,20.6\n');
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('missing column(s) lon, balanceDue; the header line is: external_id,name,lat');
  });

  it("confines a dispatcher's import to their own team", async () => {
    const token = await loginAs(t, 'dispatcher', poniente, 'Despacho Poniente');
    const csv = [CSV_HEADER, accountLine(3000, 'Poniente'), accountLine(3001, 'Centro'), accountLine(1, 'Poniente')].join('\n');
    const r = await postCsv(t, csv, '', token);
    expect(r.body).toMatchObject({
      imported: 1,
      invalid: [
        { line: 3, externalId: 'ACC-03001', reason: `team ${centro} is not your team` },
        { line: 4, externalId: 'ACC-00001', reason: `external id ACC-00001 belongs to team ${centro}` },
      ],
    });
  });
});

describe('accounts API', () => {
  it('is described in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${t.baseUrl}/api/docs/json`)).json()) as { paths: Record<string, unknown> };
    for (const path of ['/api/accounts', '/api/accounts/import', '/api/visits/{id}/reassign', '/api/checkins', '/api/payments/cash', '/api/promises']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });

  it('filters by days-past-due bucket and team, with paging', async () => {
    const r = await t.api('GET', `/api/accounts?bucket=31-60&teamId=${poniente}&limit=5&offset=0`);
    expect(r.status).toBe(200);
    expect(r.body.accounts).toHaveLength(5);
    for (const a of r.body.accounts) {
      expect(a.bucket).toBe('31-60');
      expect(a.daysPastDue).toBeGreaterThanOrEqual(31);
      expect(a.daysPastDue).toBeLessThanOrEqual(60);
      expect(a.teamId).toBe(poniente);
    }
    const current = await t.api('GET', '/api/accounts?bucket=current&limit=1000');
    expect(current.body.accounts.every((a: { daysPastDue: number }) => a.daysPastDue === 0)).toBe(true);
    expect(current.body.total).toBe(current.body.accounts.length);
  });

  it('lets a dispatcher patch only their team, a manager only read, a collector nothing', async () => {
    const mine = (await t.api('GET', `/api/accounts?teamId=${poniente}&limit=1`)).body.accounts[0];
    const theirs = (await t.api('GET', `/api/accounts?teamId=${centro}&limit=1`)).body.accounts[0];
    const disp = await loginAs(t, 'dispatcher', poniente, 'Despacho P2');
    const ok = await t.api('PATCH', `/api/accounts/${mine.id}`, { phone: '33 5555 0000', daysPastDue: 61 }, disp);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ phone: '33 5555 0000', daysPastDue: 61, bucket: '61-90' });
    expect((await t.api('PATCH', `/api/accounts/${theirs.id}`, { phone: '1' }, disp)).status).toBe(403);
    expect((await t.api('GET', `/api/accounts/${theirs.id}`, undefined, disp)).status).toBe(404);
    const mgr = await loginAs(t, 'manager', null, 'Gerencia');
    expect((await t.api('GET', `/api/accounts/${theirs.id}`, undefined, mgr)).status).toBe(200);
    expect((await t.api('PATCH', `/api/accounts/${theirs.id}`, { phone: '1' }, mgr)).status).toBe(403);
    const col = await loginAs(t, 'collector', centro, 'Cobrador');
    expect((await t.api('GET', '/api/accounts', undefined, col)).status).toBe(403);
  });
});
