import { Type } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ChatlakeError } from '../../core/errors.js';
import { SCOPES, type Scope } from '../../service/api-tokens.js';
import type { AuditLog } from '../../service/audit-log.js';
import type { ServiceContext } from '../service-context.js';
import {
  AuditPageSchema,
  AuditVerdictSchema,
  NoContent,
  TokenCreatedSchema,
  TokenListSchema,
} from './response-schemas.js';
import { Cursor } from './schemas.js';

/** Tokens and the audit log over HTTP (admin scope). */
export async function adminRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const tags = ['admin'];
  app.post(
    '/tokens',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 128 }),
            scope: Type.Union(SCOPES.map((s) => Type.Literal(s))),
          },
          { additionalProperties: false },
        ),
        response: { 201: TokenCreatedSchema },
      },
    },
    async (req, reply) => {
      const b = req.body as { name: string; scope: Scope };
      return reply.status(201).send(await ctx.tokens.create(b.name, b.scope, req.actor));
    },
  );
  app.get(
    '/tokens',
    { config: { scope: 'admin' }, schema: { tags, response: { 200: TokenListSchema } } },
    async () => ({
      tokens: (await ctx.tokens.list()).map(({ tokenHash, ...t }) => ({
        ...t,
        createdAt: new Date(t.createdAt).toISOString(),
        revokedAt: t.revokedAt === null ? null : new Date(t.revokedAt).toISOString(),
      })),
    }),
  );
  app.delete(
    '/tokens/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const id = (req.params as { id: number }).id;
      if (!(await ctx.tokens.revoke(id, req.actor)))
        throw new ChatlakeError('not_found', `no live token ${id}`);
      return reply.status(204).send();
    },
  );
  app.get(
    '/audit',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        description:
          'The audit log, oldest first. The next page: `cursor` (nextCursor, same filters) or `after` (an entry id).',
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
            cursor: Type.Optional(Cursor),
            after: Type.Optional(Type.Integer({ minimum: 0 })),
            actor: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
            action: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            target: Type.Optional(Type.String({ minLength: 1, maxLength: 600 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: AuditPageSchema },
      },
    },
    async (req) => {
      const { nextAfter, ...page } = await ctx.audit.list(req.query as Parameters<AuditLog['list']>[0]);
      return page;
    },
  );
  app.get(
    '/audit/verify',
    { config: { scope: 'admin' }, schema: { tags, response: { 200: AuditVerdictSchema } } },
    async () => ctx.audit.verify(),
  );
}
