import { Type } from '@fastify/type-provider-typebox';
import { MESSAGE_KINDS } from '../../core/message.js';
import { CURSOR_PATTERN } from '../../query/cursor-codec.js';

/** Schemas shared by several routes. */
export const Id = Type.String({ minLength: 3, maxLength: 300 });
export const Limit = Type.Integer({ minimum: 1, maximum: 500, default: 50 });
/** A JSON object of ≤ 100 keys, each ≤ 128 characters (`propertyNames`: a Record's key schema is not checked). */
export const Metadata = Type.Object(
  {},
  {
    additionalProperties: Type.Unknown(),
    maxProperties: 100,
    propertyNames: Type.String({ maxLength: 128 }),
  },
);
/**
 * The kinds a client may post: every kind but the two that are platform notifications rather than messages
 * of their conversation. A "revoke" revokes the message it replies to wherever that is (another conversation,
 * another sender's: a client removes a message with DELETE instead); a "status" counts in no conversation's
 * range, so a page would not show it.
 */
const API_MESSAGE_KINDS = MESSAGE_KINDS.filter((k) => k !== 'revoke' && k !== 'status');
export const MessageKind = Type.Union(API_MESSAGE_KINDS.map((k) => Type.Literal(k)));
export const IsoTime = Type.String({ format: 'date-time' });
/** A cursor as chatlake issues them: base64url body "." base64url signature. */
export const Cursor = Type.String({ maxLength: 2048, pattern: CURSOR_PATTERN });
