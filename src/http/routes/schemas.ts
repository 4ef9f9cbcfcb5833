import { Type } from '@fastify/type-provider-typebox';
import { MESSAGE_KINDS } from '../../core/message.js';

/** Schemas shared by several routes. */
export const Id = Type.String({ minLength: 3, maxLength: 300 });
export const Limit = Type.Integer({ minimum: 1, maximum: 500, default: 50 });
export const Metadata = Type.Record(Type.String({ maxLength: 128 }), Type.Unknown(), { maxProperties: 100 });
export const MessageKind = Type.Union(MESSAGE_KINDS.map((k) => Type.Literal(k)));
export const IsoTime = Type.String({ format: 'date-time' });
