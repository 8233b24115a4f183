import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { until } from '../../test/support/until.ts';
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
        { line: 11, externalId: 'ACC-00010', code: 'badLat', values: { value: 'abc' }, reason: 'lat "abc" is not a latitude between -90 and 90' },
        { line: 501, externalId: 'ACC-00500', code: 'badBalance', values: { value: '-5', max: 999999999999.99 }, reason: 'balance due "-5" is not an amount from 0 to 999999999999.99' },
        { line: 1000, externalId: 'ACC-00999', code: 'noName', values: {}, reason: 'name is empty' },
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

  it('finds an account whatever the accents and case of the search or the name', async () => {
    const csv = [CSV_HEADER, 'ACC-ACC-1,José Núñez García,Calle Ángel Flores 12,20.67,-103.35,,100,,10,,Centro'].join('\n');
    expect((await postCsv(t, csv)).body).toMatchObject({ imported: 1, invalid: [] });
    const found = async (search: string) => (await t.api('GET', `/api/accounts?search=${encodeURIComponent(search)}`)).body.accounts.map((a: { externalId: string }) => a.externalId);
    for (const search of ['garcia', 'GARCÍA', 'jose nunez', 'Núñez', 'angel flores', 'ÁNGEL']) expect(await found(search), search).toEqual(['ACC-ACC-1']);
    // Still a search: the letters must be there.
    expect(await found('garcio')).toEqual([]);
  });

  it('refuses a file without a required column as a whole, importing nothing', async () => {
    const r = await postCsv(t, 'external_id,name,lat\nX-1,Ana,20.6\n');
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('missing column(s) lon, balanceDue; the header line is: external_id,name,lat');
    // The code and what it names, for the portfolio page to say it in Spanish.
    expect(r.body).toMatchObject({ reason: 'missingColumns', values: { columns: 'lon, balanceDue', header: 'external_id,name,lat' } });
  });

  it("confines a dispatcher's import to their own team", async () => {
    const token = await loginAs(t, 'dispatcher', poniente, 'Despacho Poniente');
    const csv = [CSV_HEADER, accountLine(3000, 'Poniente'), accountLine(3001, 'Centro'), accountLine(1, 'Poniente')].join('\n');
    const r = await postCsv(t, csv, '', token);
    expect(r.body).toMatchObject({
      imported: 1,
      invalid: [
        { line: 3, externalId: 'ACC-03001', code: 'notYourTeam', reason: `team ${centro} is not your team` },
        { line: 4, externalId: 'ACC-00001', code: 'otherTeam', reason: `external id ACC-00001 belongs to team ${centro}` },
      ],
    });
  });
});

describe('accounts CSV re-import', () => {
  const account = async (externalId: string) => (await t.api('GET', `/api/accounts?search=${externalId}`)).body.accounts[0];

  it('leaves the columns a file lacks as they are, and gives a new account their defaults', async () => {
    const full = 'external_id,name,address,lat,lon,balance_due,phone,installment_amount,days_past_due,segment,currency\n' +
      'RW-1,Orig,Calle 1,20.6,-103.3,1000,3312345678,250,45,legal,USD\n';
    expect((await postCsv(t, full, `?teamId=${centro}`)).body).toMatchObject({ created: 1, invalid: [] });
    const partial = 'external_id,name,lat,lon,balance_due\nRW-1,Orig,20.6,-103.3,900\nRW-2,Nueva,20.6,-103.3,80\n';
    expect((await postCsv(t, partial, `?teamId=${centro}`)).body).toMatchObject({ imported: 2, created: 1, updated: 1, invalid: [] });
    expect(await account('RW-1')).toMatchObject({
      balanceDue: 900, address: 'Calle 1', phone: '3312345678', installmentAmount: 250, daysPastDue: 45, bucket: '31-60', segment: 'legal', currency: 'USD',
    });
    expect(await account('RW-2')).toMatchObject({ address: '', phone: null, installmentAmount: 0, daysPastDue: 0, segment: null, currency: 'MXN' });
    // A column the file has but leaves empty clears the field.
    await postCsv(t, 'external_id,name,lat,lon,balance_due,phone\nRW-1,Orig,20.6,-103.3,900,\n', `?teamId=${centro}`);
    expect(await account('RW-1')).toMatchObject({ phone: null, installmentAmount: 250 });
  });

  it("changes an account's currency only with its installment, and keeps it when an admin moves the account", async () => {
    const head = 'external_id,name,lat,lon,balance_due,currency';
    const refused = await postCsv(t, `${head}\nRW-1,Orig,20.6,-103.3,18000,MXN\n`, `?teamId=${centro}`);
    expect(refused.body).toMatchObject({
      imported: 0,
      invalid: [{ line: 2, externalId: 'RW-1', code: 'currencyChange', reason: 'currency changes from USD to MXN but the file has no installment amount column: the installment of 250 USD would read as 250 MXN' }],
    });
    expect(await account('RW-1')).toMatchObject({ balanceDue: 900, currency: 'USD' });
    // An empty currency cell is no change; a new account with one takes its team's.
    expect((await postCsv(t, `${head}\nRW-1,Orig,20.6,-103.3,950,\n`, `?teamId=${centro}`)).body).toMatchObject({ updated: 1, invalid: [] });
    expect(await account('RW-1')).toMatchObject({ balanceDue: 950, currency: 'USD' });
    expect((await postCsv(t, `${head},installment_amount\nRW-1,Orig,20.6,-103.3,18000,MXN,4500\n`, `?teamId=${centro}`)).body).toMatchObject({ updated: 1, invalid: [] });
    expect(await account('RW-1')).toMatchObject({ balanceDue: 18000, installmentAmount: 4500, currency: 'MXN' });
    await postCsv(t, `${head},installment_amount\nRW-1,Orig,20.6,-103.3,900,USD,250\n`, `?teamId=${centro}`);
    expect((await postCsv(t, 'external_id,name,lat,lon,balance_due,team\nRW-1,Orig,20.6,-103.3,900,Poniente\n')).body).toMatchObject({ updated: 1, invalid: [] });
    expect(await account('RW-1')).toMatchObject({ teamId: poniente, currency: 'USD', installmentAmount: 250 });
  });

  it('writes only the accounts a re-import changes: the others keep their updatedAt, and all count as updated', async () => {
    const head = 'external_id,name,lat,lon,balance_due,phone,segment';
    const file = (balance: string) => `${head}\nUA-1,Uno,20.61,-103.31,100.5,,\nUA-2,Dos,20.62,-103.32,${balance},3312345678,legal\n`;
    expect((await postCsv(t, file('200'), `?teamId=${centro}`)).body).toMatchObject({ created: 2, updated: 0, invalid: [] });
    const [uno, dos] = [await account('UA-1'), await account('UA-2')];
    await new Promise((r) => setTimeout(r, 5));
    expect((await postCsv(t, file('200'), `?teamId=${centro}`)).body).toMatchObject({ imported: 2, created: 0, updated: 2, invalid: [] });
    expect(await account('UA-1')).toEqual(uno);
    expect(await account('UA-2')).toEqual(dos);
    expect((await postCsv(t, file('250.75'), `?teamId=${centro}`)).body).toMatchObject({ imported: 2, created: 0, updated: 2, invalid: [] });
    expect(await account('UA-1')).toEqual(uno);
    const changed = await account('UA-2');
    expect(changed).toMatchObject({ balanceDue: 250.75, phone: '3312345678', segment: 'legal' });
    expect(Date.parse(changed.updatedAt)).toBeGreaterThan(Date.parse(dos.updatedAt));
  });

  it("puts a row's team in the team of that name whatever its letter case, and no second team may take the name in other letters", async () => {
    expect((await t.api('POST', '/api/teams', { name: 'PONIENTE' })).status).toBe(409);
    expect((await postCsv(t, 'external_id,name,lat,lon,balance_due,team\nTC-1,c,20.6,-103.3,5,PONIENTE\n')).body).toMatchObject({ created: 1, invalid: [] });
    expect(await account('TC-1')).toMatchObject({ teamId: poniente });
  });

  it('lets no team take over the new accounts another team imports at the same moment', async () => {
    const norte = await createTeam(t, 'Norte');
    const sur = await createTeam(t, 'Sur');
    const tokens = [await loginAs(t, 'dispatcher', norte, 'Despacho Norte'), await loginAs(t, 'dispatcher', sur, 'Despacho Sur')];
    const n = 300;
    let csv = 'external_id,name,lat,lon,balance_due\n';
    for (let i = 0; i < n; i++) csv += `RACE-${i},Race ${i},20.6,-103.3,${i + 1}\n`;

    // On PostgreSQL, hold both imports between reading the owners and writing until both have read: the race, every time.
    // (A SHARE lock lets their reads through and stops their writes.) PGlite runs one transaction at a time: no race to force.
    const gate = t.db.databaseUrl ? new pg.Client({ connectionString: t.db.databaseUrl }) : null;
    if (gate) {
      await gate.connect();
      await gate.query('begin; lock table accounts in share mode');
    }
    const imports = Promise.all(tokens.map((token) => postCsv(t, csv, '', token)));
    if (gate) {
      try {
        // pg_locks, not pg_stat_activity: the latter is a snapshot taken once per transaction.
        await until('both imports waiting to write', async () => {
          const waiting = await gate.query(`select count(*)::int as n from pg_locks where relation = 'accounts'::regclass and mode = 'RowExclusiveLock' and not granted`);
          return waiting.rows[0].n >= 2;
        });
      } finally {
        await gate.query('commit');
        await gate.end();
      }
    }
    const [a, b] = await imports;

    expect([a.status, b.status]).toEqual([200, 200]);
    // Each account was written by one import, is in that import's team, and the other import says so.
    expect(a.body.imported + b.body.imported).toBe(n);
    const inTeam = async (team: number) => (await t.api('GET', `/api/accounts?teamId=${team}&search=RACE-&limit=1`)).body.total;
    expect([await inTeam(norte), await inTeam(sur)]).toEqual([a.body.imported, b.body.imported]);
    expect(a.body.invalid.length + b.body.invalid.length).toBe(n);
    for (const [report, other] of [[a, sur], [b, norte]] as const) {
      for (const r of report.body.invalid) expect(r.reason).toBe(`external id ${r.externalId} belongs to team ${other}`);
    }
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

  it('finds the accounts without coordinates (no visit can be routed to them) among the rest', async () => {
    const [first, second] = (await t.api('GET', `/api/accounts?teamId=${centro}&limit=2`)).body.accounts;
    expect((await t.api('PATCH', `/api/accounts/${second.id}`, { lat: null, lon: null })).status).toBe(200);
    const unlocated = await t.api('GET', `/api/accounts?teamId=${centro}&located=false`);
    expect(unlocated.status).toBe(200);
    expect(unlocated.body.total).toBe(1);
    expect(unlocated.body.accounts.map((a: { id: number }) => a.id)).toEqual([second.id]);
    const located = await t.api('GET', `/api/accounts?teamId=${centro}&located=true&limit=1000`);
    expect(located.body.accounts.some((a: { id: number }) => a.id === second.id)).toBe(false);
    expect(located.body.accounts.some((a: { id: number }) => a.id === first.id)).toBe(true);
    expect((await t.api('PATCH', `/api/accounts/${second.id}`, { lat: second.lat, lon: second.lon })).status).toBe(200);
  });

  it('lets a dispatcher patch only their team, a manager only read, a collector nothing', async () => {
    const mine = (await t.api('GET', `/api/accounts?teamId=${poniente}&limit=1`)).body.accounts[0];
    const theirs = (await t.api('GET', `/api/accounts?teamId=${centro}&limit=1`)).body.accounts[0];
    const disp = await loginAs(t, 'dispatcher', poniente, 'Despacho P2');
    const ok = await t.api('PATCH', `/api/accounts/${mine.id}`, { phone: '33 5555 0000', daysPastDue: 61 }, disp);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ phone: '33 5555 0000', daysPastDue: 61, bucket: '61-90' });
    // The write is answered as the read is: another team's account is not there for them.
    expect((await t.api('PATCH', `/api/accounts/${theirs.id}`, { phone: '1' }, disp)).status).toBe(404);
    expect((await t.api('GET', `/api/accounts/${theirs.id}`, undefined, disp)).status).toBe(404);
    const mgr = await loginAs(t, 'manager', null, 'Gerencia');
    expect((await t.api('GET', `/api/accounts/${theirs.id}`, undefined, mgr)).status).toBe(200);
    expect((await t.api('PATCH', `/api/accounts/${theirs.id}`, { phone: '1' }, mgr)).status).toBe(403);
    const col = await loginAs(t, 'collector', centro, 'Cobrador');
    expect((await t.api('GET', '/api/accounts', undefined, col)).status).toBe(403);
  });
});

describe('accounts CSV file encodings and currencies', () => {
  let team: number;
  beforeAll(async () => {
    team = await createTeam(t, 'Encodings');
  });
  const postBytes = async (bytes: Uint8Array) => {
    const res = await fetch(`${t.baseUrl}/api/accounts/import?teamId=${team}`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: new Uint8Array(bytes) });
    return { status: res.status, body: await res.json() };
  };
  const names = async (search: string) =>
    (await t.api('GET', `/api/accounts?teamId=${team}&search=${encodeURIComponent(search)}`)).body.accounts.map((a: { externalId: string; name: string }) => [a.externalId, a.name]);

  it('imports the UTF-8 rows of a file with a stray byte as UTF-8, and refuses the row that holds it by line', async () => {
    const r = await postBytes(Buffer.concat([
      Buffer.from('external_id,name,lat,lon,balance_due\nENC-1,Peña Núñez,20.6,-103.3,10\nENC-2,Jos', 'utf8'),
      Buffer.from([0xe9]),
      Buffer.from(',20.6,-103.3,10\n', 'utf8'),
    ]));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ rows: 2, imported: 1, invalid: [{ line: 3, externalId: 'ENC-2', code: 'notUtf8', reason: 'the file is not valid UTF-8 at line 3 (0xE9); save it as UTF-8' }] });
    expect(await names('ENC-')).toEqual([['ENC-1', 'Peña Núñez']]);
  });

  it('still reads a whole Windows-1252 file, and one behind a UTF-8 byte-order mark as UTF-8', async () => {
    expect((await postBytes(Buffer.from('external_id,name,lat,lon,balance_due\nW-1,José Peña Muñoz,20.6,-103.3,10\n', 'latin1'))).body).toMatchObject({ imported: 1, invalid: [] });
    expect(await names('W-1')).toEqual([['W-1', 'José Peña Muñoz']]);
    const bom = await postBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('external_id,nombre,lat,lon,saldo\nB-1,Ana,20.6,-103.3,10\nB-2,Peña,20.6,-103.3,10\n', 'latin1')]));
    expect(bom.status).toBe(200);
    expect(bom.body).toMatchObject({ imported: 1, invalid: [{ line: 3, externalId: 'B-2', code: 'notUtf8' }] });
  });

  it('reads a UTF-16 "Unicode text" file as Excel saves it: byte-order mark, tabs, CRLF', async () => {
    const text = 'external_id\tname\tlat\tlon\tbalance_due\r\nU-1\tPeña Núñez\t20.6\t-103.3\t10\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect((await postBytes(le)).body).toMatchObject({ imported: 1, invalid: [] });
    expect((await postBytes(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text.replace('U-1', 'U-2'), 'utf16le').swap16()]))).body).toMatchObject({ imported: 1, invalid: [] });
    expect(await names('U-')).toEqual([['U-1', 'Peña Núñez'], ['U-2', 'Peña Núñez']]);
  });

  it('refuses a row whose currency ISO 4217 does not have, as POST /api/teams does', async () => {
    expect((await t.api('POST', '/api/teams', { name: 'ABC team', currency: 'ABC' })).body).toMatchObject({ reason: 'unknown_currency' });
    const r = await postBytes(Buffer.from('external_id,name,lat,lon,balance_due,currency\nCUR-1,Ana,20.6,-103.3,10,ABC\nCUR-2,Beto,20.6,-103.3,10,XXX\nCUR-3,Caro,20.6,-103.3,10,usd\n'));
    expect(r.body).toMatchObject({
      imported: 1,
      invalid: [
        { line: 2, externalId: 'CUR-1', code: 'badCurrency', reason: 'currency "ABC" is not an ISO 4217 code such as MXN' },
        { line: 3, externalId: 'CUR-2', code: 'badCurrency', reason: 'currency "XXX" is not an ISO 4217 code such as MXN' },
      ],
    });
    expect((await t.api('GET', `/api/accounts?teamId=${team}&search=CUR-`)).body.accounts.map((a: { currency: string }) => a.currency)).toEqual(['USD']);
  });
});
