import type { SessionUser } from '../contract/auth.ts';
import { OperationError } from './errors.ts';

/**
 * Who changes something: a user through the API or a device over MQTT. Its
 * label is stored on the visit so a conflict can say who changed it first.
 */
export type Actor =
  | { kind: 'user'; user: SessionUser }
  | { kind: 'device'; uniqueId: string; collectorId: number | null }
  /** The server itself or an operator's CLI: acts on every team. */
  | { kind: 'system'; label: string };

export function actorLabel(a: Actor): string {
  if (a.kind === 'user') return `${a.user.name} (${a.user.role})`;
  return a.kind === 'device' ? `device ${a.uniqueId}` : a.label;
}

/**
 * Issue 5 roles: admins act on every team, dispatchers and supervisors on
 * their own, managers only read, collectors only through their devices.
 */
export function assertCanWrite(a: Actor, teamId: number): void {
  if (a.kind !== 'user') return;
  const { role, teamId: own } = a.user;
  if (role === 'admin') return;
  if ((role === 'dispatcher' || role === 'supervisor') && own === teamId) return;
  throw new OperationError(403, role === 'dispatcher' || role === 'supervisor' ? `team ${teamId} is not your team` : `role ${role} may not change this`);
}

/** The team a reader is confined to; null = every team (admins, managers). */
export const readScope = (u: SessionUser): number | null => (u.role === 'admin' || u.role === 'manager' ? null : (u.teamId ?? -1));
