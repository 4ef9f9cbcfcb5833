import type { FastifyReply, FastifyRequest } from 'fastify';
import { ChatlakeError } from '../core/errors.js';
import { grants, type Scope } from '../service/api-tokens.js';
import type { ServiceContext } from './service-context.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs; routes without one are public (health, readiness, webhook). */
    scope?: Scope;
  }
  interface FastifyRequest {
    /** Who is acting: "token:<id>" for authenticated requests. */
    actor: string;
    tokenId: number | null;
  }
}

/** onRequest hook: bearer token → actor; 401 without a valid token, 403 without the route's scope. */
export function authenticate(ctx: ServiceContext) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    request.actor = 'anonymous';
    request.tokenId = null;
    const needed = request.routeOptions.config?.scope;
    if (!needed) return;
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) {
      throw new ChatlakeError(
        'unauthorized',
        'a bearer token is required: send Authorization: Bearer <token> (an admin creates one with POST /api/v1/tokens or `chatlake token create`)',
      );
    }
    const token = await ctx.tokens.verify(match[1]!);
    if (!token) throw new ChatlakeError('unauthorized', 'the token is unknown or revoked');
    if (!grants(token.scopes, needed)) {
      throw new ChatlakeError(
        'forbidden',
        `this route needs the ${needed} scope; the token has ${token.scopes.join(', ')}`,
      );
    }
    request.actor = `token:${token.id}`;
    request.tokenId = token.id;
  };
}
