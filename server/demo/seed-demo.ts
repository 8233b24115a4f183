import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { TrackerSpec } from '../../simulators/fleet/tracker.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { Database } from '../db/database.ts';
import { hashToken } from '../ingest/device-registry.ts';

const TEAMS = ['Centro', 'Poniente'] as const;
const FIRST = ['Ana', 'Luis', 'María', 'José', 'Carmen', 'Jorge', 'Lucía', 'Miguel', 'Sofía', 'Raúl', 'Elena', 'Pedro', 'Rosa',
  'Diego', 'Laura', 'Héctor', 'Patricia', 'Andrés', 'Gabriela', 'Fernando', 'Verónica', 'Ricardo', 'Daniela', 'Óscar', 'Mónica'];
const LAST = ['García', 'Hernández', 'López', 'Martínez', 'González', 'Pérez', 'Rodríguez', 'Sánchez', 'Ramírez', 'Cruz', 'Flores',
  'Gómez', 'Morales', 'Vázquez', 'Reyes', 'Jiménez', 'Torres', 'Díaz', 'Gutiérrez', 'Ruiz', 'Mendoza', 'Aguilar', 'Ortiz', 'Castillo', 'Romero'];

export const DEMO_USERS = [
  { email: 'supervisor@ronda.local', name: 'Supervisora Centro', role: 'supervisor', team: 'Centro' },
  { email: 'despacho@ronda.local', name: 'Despacho Centro', role: 'dispatcher', team: 'Centro' },
  { email: 'gerencia@ronda.local', name: 'Gerencia', role: 'manager', team: null },
] as const;
export const DEMO_PASSWORD = 'ronda';
/** The first demo collector's own login: what a collector sees of their day on the dashboard. */
export const DEMO_COLLECTOR_LOGIN = 'cobrador@ronda.local';

export interface DemoDevice {
  uniqueId: string;
  token: string;
  collectorId: number;
  kind: 'phone' | TrackerKind;
}

export type TrackerKind = TrackerSpec['kind'];

/**
 * The last ten demo collectors report their positions through another device, two of each kind, so the demo
 * speaks every position protocol (SPEC §3): a Teltonika, GT06 or H02 unit on the motorbike, or the Traccar
 * Client (OsmAnd over HTTP) or OwnTracks (MQTT) app. Their Ronda app sends the check-ins and payments.
 */
function deviceKind(i: number, collectors: number): DemoDevice['kind'] {
  const kinds: TrackerKind[] = ['owntracks', 'owntracks', 'osmand', 'osmand', 'h02', 'h02', 'gt06', 'gt06', 'teltonika', 'teltonika'];
  return kinds[i - (collectors - kinds.length)] ?? 'phone';
}

const TRACKER = {
  teltonika: { id: (n: string) => `862${n.padStart(12, '0')}`, label: 'Teltonika FMB920' },
  gt06: { id: (n: string) => `861${n.padStart(12, '0')}`, label: 'GT06' },
  // H02 ids are 10 digits (the binary frames carry no more).
  h02: { id: (n: string) => `42${n.padStart(8, '0')}`, label: 'H02' },
  osmand: { id: (n: string) => `traccar-${n}`, label: 'Traccar Client' },
  owntracks: { id: (n: string) => `owntracks-${n}`, label: 'OwnTracks' },
} satisfies Record<TrackerKind, { id: (n: string) => string; label: string }>;

/**
 * The demo portfolio's people and devices. Idempotent: a second demo start on
 * the same DATA_DIR reuses them; device tokens are re-issued each start
 * because only their hashes are stored.
 */
export async function seedDemo(
  db: Kysely<Database>, auth: AuthService, collectors = 25, timeZone = 'America/Mexico_City', configured = timeZone,
): Promise<DemoDevice[]> {
  const teamIds: number[] = [];
  for (const name of TEAMS) {
    // The portfolio's dates are cut in `timeZone` (demo-day.ts): the teams work in it. A team still in the configured
    // zone or in one the demo picked follows the demo's pick at each start; a zone someone chose stays.
    const row = await db
      .insertInto('teams')
      .values({ name, time_zone: timeZone })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet({
          name,
          time_zone: sql<string>`case when teams.time_zone = ${configured} or teams.time_zone like 'Etc/%' then ${timeZone} else teams.time_zone end`,
        }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    teamIds.push(row.id);
  }
  for (const u of DEMO_USERS) {
    const exists = await db.selectFrom('users').select('id').where('email', '=', u.email).executeTakeFirst();
    if (!exists) {
      await auth.createUser({ email: u.email, name: u.name, password: DEMO_PASSWORD, role: u.role, teamId: u.team ? teamIds[TEAMS.indexOf(u.team)] : null });
    }
  }
  const devices: DemoDevice[] = [];
  for (let i = 0; i < collectors; i++) {
    const externalId = `demo-col-${String(i + 1).padStart(3, '0')}`;
    const name = `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`;
    const col = await db
      .insertInto('collectors')
      .values({ name, team_id: teamIds[i % TEAMS.length], external_id: externalId, phone: `+52 33 ${1000 + i} ${2000 + i}` })
      .onConflict((oc) => oc.column('external_id').doUpdateSet({ name }))
      .returning('id')
      .executeTakeFirstOrThrow();
    const kind = deviceKind(i, collectors);
    const number = String(i + 1).padStart(3, '0');
    // Every collector has the Ronda app for check-ins and payments; the last ten report positions through another device.
    devices.push(await registerDevice(db, col.id, `demo-phone-${number}`, `Teléfono de ${name}`, 'phone'));
    if (kind !== 'phone') devices.push(await registerDevice(db, col.id, TRACKER[kind].id(number), `${TRACKER[kind].label} de ${name}`, kind));
    if (i === 0 && !(await db.selectFrom('users').select('id').where('email', '=', DEMO_COLLECTOR_LOGIN).executeTakeFirst())) {
      await auth.createUser({ email: DEMO_COLLECTOR_LOGIN, name, password: DEMO_PASSWORD, role: 'collector', teamId: teamIds[0], collectorId: col.id });
    }
  }
  return devices;
}

/** A device of the collector with a fresh token (only its hash is stored, so a restart issues a new one). */
async function registerDevice(db: Kysely<Database>, collectorId: number, uniqueId: string, name: string, kind: DemoDevice['kind']): Promise<DemoDevice> {
  const token = randomBytes(18).toString('base64url');
  await db
    .insertInto('devices')
    .values({ unique_id: uniqueId, name, token_hash: hashToken(token), collector_id: collectorId, protocol: kind === 'phone' ? 'mqtt' : kind })
    .onConflict((oc) => oc.column('unique_id').doUpdateSet({ token_hash: hashToken(token), collector_id: collectorId }))
    .execute();
  return { uniqueId, token, collectorId, kind };
}
