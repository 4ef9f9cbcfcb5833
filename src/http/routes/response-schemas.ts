import { type TSchema, Type } from '@fastify/type-provider-typebox';

/**
 * What the routes answer, for the OpenAPI document. Responses are serialized with JSON.stringify (see
 * build-server.ts), so a schema documents the reply and never trims it; test/http/api-gaps.test.ts checks
 * live replies against these schemas.
 */
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Time = Type.String({ format: 'date-time' });

/** Every error: 4xx with its code and message, 5xx with a request id in the message. */
export const ErrorReply = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'invalid_argument, unauthorized, forbidden, not_found, conflict, …' }),
      message: Type.String(),
    }),
  },
  { description: 'An error' },
);

const AttachmentRefSchema = Type.Object({
  sha256: Type.String(),
  size: Type.Integer(),
  mimeType: Type.String(),
});

export const AttachmentInfoSchema = Type.Object({
  id: Type.String(),
  sha256: Type.String(),
  size: Type.Integer(),
  mimeType: Type.String(),
});

export const MessageSchema = Type.Object(
  {
    id: Type.String({ description: '<platform>:<message id>' }),
    conversationId: Type.String(),
    senderId: Nullable(Type.String()),
    kind: Type.String(),
    typeCode: Nullable(Type.String()),
    text: Nullable(Type.String()),
    content: Nullable(Type.String()),
    replyTo: Nullable(Type.String()),
    metadata: Type.Unknown({
      description: 'the client metadata (API messages) or the platform meta; or null',
    }),
    attachments: Type.Array(AttachmentRefSchema),
    sentAt: Time,
    receivedAt: Nullable(Time),
    revoked: Type.Boolean(),
    deleted: Type.Boolean(),
    version: Type.Integer({ minimum: 1 }),
    editedAt: Nullable(Time),
  },
  { description: 'A message' },
);

export const MessagePageSchema = Type.Object({
  messages: Type.Array(MessageSchema),
  nextCursor: Nullable(Type.String()),
});

export const QueuedSchema = Type.Object(
  { id: Type.String(), status: Type.Literal('queued') },
  { description: 'Accepted; stored at the next group commit (X-Write-Mode: async)' },
);

export const HistorySchema = Type.Object({
  versions: Type.Array(
    Type.Object({
      version: Type.Integer(),
      text: Nullable(Type.String()),
      at: Time,
      actor: Nullable(Type.String()),
    }),
  ),
});

export const AcksSchema = Type.Object({
  acks: Type.Array(
    Type.Object({ participantId: Type.String(), deliveredAt: Nullable(Time), readAt: Nullable(Time) }),
  ),
});

export const ConversationSchema = Type.Object(
  {
    id: Type.String(),
    platform: Type.String(),
    type: Type.Union([Type.Literal('direct'), Type.Literal('group')]),
    metadata: Type.Object({}, { additionalProperties: true }),
    messageCount: Type.Integer({ description: 'messages, status syncs not counted' }),
    firstMessageAt: Nullable(Time),
    lastMessageAt: Nullable(Time),
    createdAt: Nullable(Time),
    updatedAt: Nullable(Time),
  },
  { description: 'A conversation' },
);

export const ConversationPageSchema = Type.Object({
  conversations: Type.Array(ConversationSchema),
  nextCursor: Nullable(Type.String()),
});

export const ParticipantsSchema = Type.Object({
  participants: Type.Array(Type.Object({ id: Type.String(), role: Type.String(), joinedAt: Time })),
});

export const TokenCreatedSchema = Type.Object(
  { id: Type.Integer(), token: Type.String({ description: 'shown this once' }) },
  { description: 'The new token' },
);

export const TokenListSchema = Type.Object({
  tokens: Type.Array(
    Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      scopes: Type.Array(Type.String()),
      createdAt: Time,
      revokedAt: Nullable(Time),
    }),
  ),
});

export const AuditPageSchema = Type.Object({
  entries: Type.Array(
    Type.Object({
      id: Type.Integer(),
      at: Time,
      actor: Type.String(),
      action: Type.String(),
      target: Type.String(),
      detail: Type.Unknown(),
      hash: Type.String(),
    }),
  ),
  nextCursor: Nullable(Type.String()),
});

export const AuditVerdictSchema = Type.Object({
  ok: Type.Boolean(),
  entries: Type.Integer(),
  problem: Nullable(Type.Object({ id: Type.Integer(), reason: Type.String() })),
});

export const WebhookAckSchema = Type.Object({
  status: Type.Literal('ok'),
  request_id: Type.String(),
  quarantined: Type.Optional(Type.Boolean()),
});

const QueryPageSchema = Type.Object({
  rows: Type.Array(Type.Object({}, { additionalProperties: true })),
  nextCursor: Nullable(Type.String()),
});

/** A 204 reply. */
export const NoContent = Type.Null({ description: 'No content' });

/** A reply that is not JSON: its media types, each a string (or bytes). */
export function textReply(description: string, types: readonly string[], format?: 'binary') {
  const schema = format ? Type.String({ format }) : Type.String();
  return { description, content: Object.fromEntries(types.map((t) => [t, { schema }])) };
}

/**
 * The 2xx replies of routes declared in files that do not list them (the query routes), by `METHOD url`;
 * build-server.ts adds them, and the error replies of every route.
 */
export const DEFAULT_REPLIES: Record<string, Record<number, unknown>> = {
  'GET /api/v1/query': { 200: QueryPageSchema },
  'GET /api/v1/export': {
    200: textReply('The rows, streamed (Parquet: a file written by DuckDB)', [
      'application/x-ndjson',
      'text/csv',
      'application/vnd.apache.parquet',
    ]),
  },
};
