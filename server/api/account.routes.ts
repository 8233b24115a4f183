import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { AuthService } from '../auth/auth.service.ts';
import { ACCOUNT_REFUSALS, AccountList, AccountListQuery, AccountOut, AccountPatch, ImportQuery, ImportReport } from '../contract/account.ts';
import { SCOPE_REFUSALS } from '../contract/auth.ts';
import { REQUEST_REFUSALS } from '../contract/refusal.ts';
import type { Database } from '../db/database.ts';
import { getAccount, listAccounts, patchAccount } from '../operations/account.repository.ts';
import { importAccounts } from '../operations/account-import.ts';
import type { VisitsMoved } from '../operations/account-move.ts';
import { csvText } from '../operations/csv-text.ts';
import { readScope } from '../operations/actor.ts';
import { requireUser } from './auth-hook.ts';
import { refusalsDoc } from './refusals-doc.ts';
import { ErrorBody } from './schemas.ts';

/** Roles of issue 5: these change their team's operations; managers only read; collectors act through devices and read their own day (DAY_READERS). */
export const WRITERS = ['admin', 'supervisor', 'dispatcher'] as const;
export const READERS = ['admin', 'supervisor', 'dispatcher', 'manager'] as const;
/**
 * Those who read the day's operations (visits, check-ins, payments, events, plans, metrics): a
 * collector too, confined to their own share by collectorScope, as with their devices and trail.
 */
export const DAY_READERS = [...READERS, 'collector'] as const;

const Errors = { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const IMPORT_LIMIT = 50 * 1024 * 1024;

/** `visitsMoved`: after an account moved to another team took visits with it (committed), for the live stream and the phones. */
export const accountRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<Database>; auth: AuthService; visitsMoved: (m: VisitsMoved) => void }> = async (
  app,
  { db, auth, visitsMoved },
) => {
  const readers = requireUser(auth, READERS);
  const writers = requireUser(auth, WRITERS);
  // The import takes the file itself as the body (issue 5), not JSON.
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'buffer', bodyLimit: IMPORT_LIMIT }, (_req, body, done) => done(null, csvText(body as Buffer)));

  app.get('/api/accounts', { onRequest: readers, schema: { tags: ['accounts'], querystring: AccountListQuery, response: { 200: AccountList } } }, async (req) =>
    listAccounts(db, req.query, readScope(req.user)),
  );

  app.get(
    '/api/accounts/:id',
    {
      onRequest: readers,
      schema: {
        tags: ['accounts'],
        description: refusalsDoc(REQUEST_REFUSALS, ['account_not_found']),
        params: Type.Object({ id: Type.Integer() }),
        response: { 200: AccountOut, ...Errors },
      },
    },
    async (req) => getAccount(db, req.params.id, readScope(req.user)),
  );

  app.patch(
    '/api/accounts/:id',
    {
      onRequest: writers,
      schema: {
        tags: ['accounts'],
        description: refusalsDoc(ACCOUNT_REFUSALS, ['move_for_admins', 'lat_lon_together'], REQUEST_REFUSALS, ['account_not_found'], SCOPE_REFUSALS, ['team_not_found']),
        params: Type.Object({ id: Type.Integer() }),
        body: AccountPatch,
        response: { 200: AccountOut, ...Errors },
      },
    },
    async (req) => patchAccount(db, req.params.id, req.body, { kind: 'user', user: req.user }, visitsMoved),
  );

  app.post(
    '/api/accounts/import',
    {
      onRequest: writers,
      schema: {
        tags: ['accounts'],
        description:
          'Body: the CSV file (text/csv: UTF-8, Windows-1252, or UTF-16 with its byte-order mark; `,`, `;` or tab separated). Columns: external_id, name, lat, lon, balance_due (required); address, phone, installment_amount, ' +
          'days_past_due, segment, team, currency (optional: a re-import without one keeps the stored value).\n\n' +
          refusalsDoc(ACCOUNT_REFUSALS, ['notCsv', 'emptyFile', 'missingColumns'], SCOPE_REFUSALS, ['team_not_found']),
        querystring: ImportQuery,
        // The file as it is (the parser above), not JSON: the docs showed an application/json string.
        consumes: ['text/csv', 'text/plain'],
        body: Type.String(),
        response: { 200: ImportReport, ...Errors },
      },
    },
    async (req) => {
      // A dispatcher's file lands in their own team unless its rows say otherwise.
      const defaultTeamId = req.query.teamId ?? (req.user.role === 'admin' ? null : req.user.teamId);
      return importAccounts(db, req.body, { defaultTeamId, actor: { kind: 'user', user: req.user }, moved: visitsMoved });
    },
  );
};
