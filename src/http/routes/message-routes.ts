import { Type } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ChatlakeError } from '../../core/errors.js';
import type { ApiMessageInput } from '../../platforms/api/api-message.js';
import type { WriteResult } from '../../service/message-posts.js';
import { parseId } from '../../service/public-id.js';
import type { ServiceContext } from '../service-context.js';
import {
  AcksSchema,
  HistorySchema,
  MessagePageSchema,
  MessageSchema,
  NoContent,
  QueuedSchema,
} from './response-schemas.js';
import { Cursor, Id, IsoTime, Limit, MessageKind, Metadata } from './schemas.js';

const MsgParams = Type.Object({ id: Id });
const QUEUED_FAILURES = 'chatlake_queued_write_failures_total';
const msgId = (req: { params: unknown }) => parseId((req.params as { id: string }).id, 'message');
const convId = (req: { params: unknown }) => parseId((req.params as { id: string }).id, 'conversation');

/** An ISO time as epoch ms. The format check lets through times JavaScript cannot read (a leap second). */
function epochMs(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new ChatlakeError('invalid_argument', `${name} "${text}" is not a time`);
  return ms;
}

/** Messages: post (idempotent, sync or async), list newest-first with cursors, get, edit, delete, ack. */
export async function messageRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const tags = ['messages'];
  app.post(
    '/conversations/:id/messages',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        params: MsgParams,
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
          'x-write-mode': Type.Optional(Type.Union([Type.Literal('sync'), Type.Literal('async')])),
        }),
        body: Type.Object(
          {
            id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._@-]{1,128}$' })),
            senderId: Type.String({ minLength: 1, maxLength: 256 }),
            kind: Type.Optional(MessageKind),
            text: Type.Optional(Type.String({ maxLength: 100_000 })),
            content: Type.Optional(Type.String({ maxLength: 500_000 })),
            replyTo: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
            metadata: Type.Optional(Metadata),
            sentAt: Type.Optional(IsoTime),
            attachments: Type.Optional(
              Type.Array(Type.String({ pattern: '^[0-9a-f]{64}$' }), { maxItems: 100, uniqueItems: true }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: MessageSchema, 202: QueuedSchema },
      },
    },
    async (req, reply) => {
      const conv = convId(req);
      const body = req.body as ApiMessageInput;
      const key = req.headers['idempotency-key'] as string | undefined;
      const async = req.headers['x-write-mode'] === 'async';
      const write = async (idempotencyId?: string) => {
        const r: WriteResult = await ctx.messagePosts.post(conv, body, JSON.stringify(body), {
          actor: req.actor,
          idempotencyId,
          async,
        });
        if (r.status === 201) return { status: 201, body: r.message };
        // Answered already: a commit that fails later is logged and counted, never silent.
        r.committed?.catch((error: unknown) => {
          req.log.error({ err: error, messageId: r.id }, 'a queued (202) message could not be stored');
          ctx.metrics.count(QUEUED_FAILURES, 'Messages answered 202 whose commit then failed');
        });
        return { status: 202, body: { id: r.id, status: 'queued' } };
      };
      if (!key) {
        const r = await write();
        return reply.status(r.status as 201 | 202).send(r.body);
      }
      const scope = `token:${req.tokenId}:messages:${conv.platform}:${conv.id}`;
      const r = await ctx.idempotency.run(scope, key, body, () => write(`${scope}\u0000${key}`));
      if (r.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(r.status as 201 | 202).send(r.body);
    },
  );
  app.get(
    '/conversations/:id/messages',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        params: MsgParams,
        querystring: Type.Object(
          {
            limit: Limit,
            cursor: Type.Optional(Cursor),
            before: Type.Optional(IsoTime),
            after: Type.Optional(IsoTime),
            around: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: MessagePageSchema },
      },
    },
    async (req) => {
      const conv = convId(req);
      const q = req.query as {
        limit: number;
        cursor?: string;
        before?: string;
        after?: string;
        around?: string;
      };
      if (q.around) {
        if (q.cursor || q.before || q.after) {
          throw new ChatlakeError(
            'invalid_argument',
            'around cannot be combined with cursor, before or after',
          );
        }
        return ctx.messagePages.around(conv, q.around, q.limit);
      }
      return ctx.messagePages.list(conv, {
        limit: q.limit,
        cursor: q.cursor,
        before: epochMs(q.before, 'before'),
        after: epochMs(q.after, 'after'),
      });
    },
  );
  app.get(
    '/messages/:id',
    { config: { scope: 'read' }, schema: { tags, params: MsgParams, response: { 200: MessageSchema } } },
    async (req) => ctx.messagePages.get(msgId(req)),
  );
  app.get(
    '/messages/:id/history',
    { config: { scope: 'read' }, schema: { tags, params: MsgParams, response: { 200: HistorySchema } } },
    async (req) => ({ versions: await ctx.messageChanges.history(msgId(req)) }),
  );
  app.patch(
    '/messages/:id',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        params: MsgParams,
        body: Type.Object({ text: Type.String({ maxLength: 100_000 }) }, { additionalProperties: false }),
        response: { 200: MessageSchema },
      },
    },
    async (req) => ctx.messageChanges.edit(msgId(req), (req.body as { text: string }).text, req.actor),
  );
  app.delete(
    '/messages/:id',
    { config: { scope: 'write' }, schema: { tags, params: MsgParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await ctx.messageChanges.remove(msgId(req), req.actor);
      return reply.status(204).send();
    },
  );
  app.post(
    '/messages/:id/restore',
    { config: { scope: 'write' }, schema: { tags, params: MsgParams, response: { 200: MessageSchema } } },
    async (req) => ctx.messageChanges.restore(msgId(req), req.actor),
  );
  app.put(
    '/messages/:id/ack',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        description:
          'Records that a participant got (state "delivered") or read (state "read", which implies delivered) ' +
          'the message, now. Times only move earlier: a repeat keeps the first. Answers every ack of the message.',
        params: MsgParams,
        body: Type.Object(
          {
            participantId: Type.String({ minLength: 1, maxLength: 256 }),
            state: Type.Union([Type.Literal('delivered'), Type.Literal('read')]),
          },
          { additionalProperties: false },
        ),
        response: { 200: AcksSchema },
      },
    },
    async (req) => {
      const b = req.body as { participantId: string; state: 'delivered' | 'read' };
      return { acks: await ctx.messageAcks.ack(msgId(req), b.participantId, b.state) };
    },
  );
}
