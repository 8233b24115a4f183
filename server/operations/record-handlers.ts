import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { CheckinIn, type DeviceRecordRejection } from '../contract/checkin.ts';
import { PaymentIn } from '../contract/payment.ts';
import type { Database } from '../db/database.ts';
import { refusesRows } from '../db/sqlstate.ts';
import type { DeviceRef } from '../ingest/ingest-port.ts';
import { storableText, unstorableText } from '../lib/unstorable-text.ts';
import { recordCheckin, type CheckinOptions } from './checkin.service.ts';
import { OperationError } from './errors.ts';
import type { NotifyRecord } from './live-events.ts';
import { recordPayment } from './payment.service.ts';
import type { RecordSource } from './record-source.ts';

/** Why a record is kept as rejected: the message, and a code with what it names (RejectedRecord). */
interface Rejection {
  message: string;
  code: string;
  values: Record<string, string | number>;
}

const rejection = (code: DeviceRecordRejection, message: string, values: Record<string, string | number> = {}): Rejection => ({ message, code, values });

/** A value naming what the phone sent (a path, a refused text) is its text: kept storable, as the payload is. */
const storableValues = (values: Record<string, string | number>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'string' ? storableText(v) : v]));

export interface RecordHandlerDeps {
  db: Kysely<Database>;
  notify: NotifyRecord;
  log: Logger;
  checkin: CheckinOptions;
}

/**
 * Handlers for `ronda/{uniqueId}/checkin` and `ronda/{uniqueId}/payment`
 * (SPEC §5). Each resolves once the record is committed, so the broker's
 * PUBACK means "stored". A payload that can never be stored (bad JSON,
 * unknown visit) is kept in `rejected_records` and acknowledged, or the
 * phone would resend it forever; a database failure rejects, so no PUBACK
 * goes out and the phone resends later.
 */
export function createRecordHandlers(deps: RecordHandlerDeps) {
  const { db, notify, log } = deps;

  async function reject(dev: DeviceRef, kind: 'checkin' | 'payment', payload: Buffer, why: Rejection): Promise<void> {
    log.warn({ uniqueId: dev.uniqueId, kind, reason: why.message, code: why.code }, 'device record rejected');
    // Kept as text the database can hold, or the refusal itself would fail and the phone resend forever.
    const text = storableText(payload.toString('utf8').slice(0, 10_000));
    await db
      .insertInto('rejected_records')
      .values({ device_id: dev.deviceId, kind, payload: text, reason: storableText(why.message), code: why.code, code_values: JSON.stringify(storableValues(why.values)) })
      .execute();
  }

  /** An API refusal keeps its code; anything else the database refused is that. */
  const refused = (err: unknown): Rejection =>
    err instanceof OperationError ? { message: err.message, code: err.reason, values: err.values ?? {} } : { message: (err as Error).message, code: 'refused_by_database', values: {} };

  function decode<T>(schema: TSchema, payload: Buffer): { ok: true; value: T } | ({ ok: false } & Rejection) {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return { ok: false, ...rejection('invalid_json', 'payload is not valid JSON') };
    }
    if (!Value.Check(schema, json)) {
      const e = Value.Errors(schema, json).First();
      const path = e?.path || '/';
      return { ok: false, ...rejection('invalid_record', `${e?.path || 'payload'}: ${e?.message ?? 'invalid'}`, { path }) };
    }
    const unstorable = unstorableText(json);
    if (unstorable) return { ok: false, ...rejection('unstorable_text', `its texts ${unstorable}`) };
    return { ok: true, value: json as T };
  }

  /** Read per record: a collector may have changed team since the device connected. */
  async function sourceOf(dev: DeviceRef): Promise<RecordSource> {
    const collector = dev.collectorId === null ? undefined : await db.selectFrom('collectors').select('team_id').where('id', '=', dev.collectorId).executeTakeFirst();
    return {
      actor: { kind: 'device', uniqueId: dev.uniqueId, collectorId: dev.collectorId, teamId: collector?.team_id ?? null },
      deviceId: dev.deviceId,
      collectorId: dev.collectorId,
    };
  }

  return {
    async checkin(dev: DeviceRef, payload: Buffer): Promise<void> {
      const d = decode<CheckinIn>(CheckinIn, payload);
      if (!d.ok) return reject(dev, 'checkin', payload, d);
      try {
        const r = await recordCheckin(db, d.value, await sourceOf(dev), deps.checkin);
        if (r.duplicate) return;
        notify('checkin', r.checkin.teamId, r.checkin);
        if (r.visit) notify('visit', r.visit.teamId, r.visit);
      } catch (err) {
        if (err instanceof OperationError || refusesRows(err)) return reject(dev, 'checkin', payload, refused(err));
        throw err;
      }
    },

    async payment(dev: DeviceRef, payload: Buffer): Promise<void> {
      const d = decode<PaymentIn>(PaymentIn, payload);
      if (!d.ok) return reject(dev, 'payment', payload, d);
      try {
        const r = await recordPayment(db, d.value, await sourceOf(dev));
        if (!r.duplicate) notify('payment', r.payment.teamId, r.payment);
      } catch (err) {
        if (err instanceof OperationError || refusesRows(err)) return reject(dev, 'payment', payload, refused(err));
        throw err;
      }
    },
  };
}
