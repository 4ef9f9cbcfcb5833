import { Type } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ChatlakeError } from '../../core/errors.js';
import { SCOPES, type Scope } from '../../service/api-tokens.js';
import { verifyAuditChain } from '../../service/audit-chain.js';
import type { ServiceContext } from '../service-context.js';

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
      },
    },
    async (req, reply) => {
      const b = req.body as { name: string; scope: Scope };
      return reply.status(201).send(await ctx.tokens.create(b.name, b.scope, req.actor));
    },
  );
  app.get('/tokens', { config: { scope: 'admin' }, schema: { tags } }, async () => ({
    tokens: (await ctx.tokens.list()).map(({ tokenHash, ...t }) => ({
      ...t,
      createdAt: new Date(t.createdAt).toISOString(),
      revokedAt: t.revokedAt === null ? null : new Date(t.revokedAt).toISOString(),
    })),
  }));
  app.delete(
    '/tokens/:id',
    {
      config: { scope: 'admin' },
      schema: { tags, params: Type.Object({ id: Type.Integer({ minimum: 1 }) }) },
    },
    async (req, reply) => {
      const id = (req.params as { id: number }).id;
      if (!(await ctx.tokens.revoke(id, req.actor)))
        throw new ChatlakeError('not_found', `no live token ${id}`);
      return reply.status(204).send();
    },
  );
  app.get('/audit/verify', { config: { scope: 'admin' }, schema: { tags } }, async () =>
    verifyAuditChain(await ctx.lake.catalog.auditLog()),
  );
}
