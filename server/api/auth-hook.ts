import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role, SessionUser } from '../contract/auth.ts';
import type { AuthService } from '../auth/auth.service.ts';
import { REQUEST_REFUSALS } from '../contract/refusal.ts';
import { errorBody, refusal } from '../operations/errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: SessionUser;
  }
}

/** RFC 7235 §2.1: the auth-scheme is case-insensitive (`bearer …` is as good as `Bearer …`). */
const BEARER = /^bearer +(\S+) *$/i;

export function bearerToken(req: FastifyRequest): string | null {
  return BEARER.exec(req.headers.authorization ?? '')?.[1] ?? null;
}

const REQUIREMENT = Symbol('requireUser');

/** Who a route lets in, as requireUser was told: `roles` null = any signed-in user. */
export interface UserRequirement {
  roles: readonly Role[] | null;
}

/** What a route's onRequest hook requires, if it is requireUser's (openapi-refusals.ts documents its 401 and 403 from it). */
export const requirementOf = (handler: unknown): UserRequirement | undefined => (handler as { [REQUIREMENT]?: UserRequirement } | null)?.[REQUIREMENT];

/**
 * onRequest hook for every route but login and health (issue 2 §5): it runs before the body is read
 * and validated, so an anonymous caller gets a 401, not a 400 on its body, and cannot make the
 * server read a 50 MB CSV import.
 */
export function requireUser(auth: AuthService, roles?: readonly Role[]) {
  const check = async (req: FastifyRequest, reply: FastifyReply) => {
    const token = bearerToken(req);
    const user = token ? await auth.verify(token) : null;
    if (!user) return reply.code(401).send(errorBody(refusal(REQUEST_REFUSALS, 'unauthenticated', 'a valid bearer token is required', {})));
    if (roles && !roles.includes(user.role)) {
      return reply.code(403).send(errorBody(refusal(REQUEST_REFUSALS, 'role_not_allowed', `role ${user.role} may not do this`, { role: user.role })));
    }
    req.user = user;
  };
  return Object.assign(check, { [REQUIREMENT]: { roles: roles ?? null } satisfies UserRequirement });
}
