import { Type } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { parseId } from '../../service/public-id.js';
import type { ServiceContext } from '../service-context.js';
import {
  ConversationPageSchema,
  ConversationSchema,
  NoContent,
  ParticipantsSchema,
} from './response-schemas.js';
import { Cursor, Id, Limit, Metadata } from './schemas.js';

const ConvParams = Type.Object({ id: Id });
/** How a conversation's counts and times are kept, in the OpenAPI document. */
const CONVERSATION_COUNTS =
  "messageCount, firstMessageAt and lastMessageAt come from the conversation's messages (null until its first " +
  'message, whatever its createdAt); status syncs (platform notifications, kind "status") are stored but not ' +
  'counted; revoked and deleted messages stay counted.';

/** /api/v1/conversations: create, get, list, update metadata, participants. */
export async function conversationRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const tags = ['conversations'];
  app.post(
    '/conversations',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        body: Type.Object(
          {
            id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._@-]{1,128}$' })),
            type: Type.Union([Type.Literal('direct'), Type.Literal('group')]),
            participants: Type.Optional(
              Type.Array(
                Type.Object(
                  {
                    id: Type.String({ minLength: 1, maxLength: 256 }),
                    role: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
                  },
                  { additionalProperties: false },
                ),
                { maxItems: 1000 },
              ),
            ),
            metadata: Type.Optional(Metadata),
          },
          { additionalProperties: false },
        ),
        response: { 201: ConversationSchema },
      },
    },
    async (req, reply) => {
      const body = req.body as Parameters<typeof ctx.conversations.create>[0];
      return reply.status(201).send(await ctx.conversations.create(body, req.actor));
    },
  );
  app.get(
    '/conversations',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        description: `Conversations, most recently active first. ${CONVERSATION_COUNTS}`,
        querystring: Type.Object(
          {
            limit: Limit,
            cursor: Type.Optional(Cursor),
            platform: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' })),
            type: Type.Optional(Type.Union([Type.Literal('direct'), Type.Literal('group')])),
          },
          { additionalProperties: false },
        ),
        response: { 200: ConversationPageSchema },
      },
    },
    async (req) => ctx.conversations.list(req.query as Parameters<typeof ctx.conversations.list>[0]),
  );
  app.get(
    '/conversations/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        description: `One conversation. ${CONVERSATION_COUNTS}`,
        params: ConvParams,
        response: { 200: ConversationSchema },
      },
    },
    async (req) => ctx.conversations.get(parseId((req.params as { id: string }).id, 'conversation')),
  );
  app.patch(
    '/conversations/:id',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        params: ConvParams,
        body: Type.Object({ metadata: Metadata }, { additionalProperties: false }),
        response: { 200: ConversationSchema },
      },
    },
    async (req) =>
      ctx.conversations.updateMetadata(
        parseId((req.params as { id: string }).id, 'conversation'),
        (req.body as { metadata: Record<string, unknown> }).metadata,
        req.actor,
      ),
  );
  app.get(
    '/conversations/:id/participants',
    {
      config: { scope: 'read' },
      schema: { tags, params: ConvParams, response: { 200: ParticipantsSchema } },
    },
    async (req) => ({
      participants: await ctx.conversations.participants(
        parseId((req.params as { id: string }).id, 'conversation'),
      ),
    }),
  );
  app.post(
    '/conversations/:id/participants',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        params: ConvParams,
        body: Type.Object(
          {
            id: Type.String({ minLength: 1, maxLength: 256 }),
            role: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: ParticipantsSchema },
      },
    },
    async (req, reply) =>
      reply.status(201).send({
        participants: await ctx.conversations.addParticipant(
          parseId((req.params as { id: string }).id, 'conversation'),
          req.body as { id: string; role?: string },
          req.actor,
        ),
      }),
  );
  app.delete(
    '/conversations/:id/participants/:participantId',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        params: Type.Object({ id: Id, participantId: Type.String({ minLength: 1, maxLength: 256 }) }),
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const p = req.params as { id: string; participantId: string };
      await ctx.conversations.removeParticipant(parseId(p.id, 'conversation'), p.participantId, req.actor);
      return reply.status(204).send();
    },
  );
}
